"""Data grading (分级分类) and personal information.

The grade list (一般 / 重要 / 核心, ``data_grade``) kept by the Operator, its page, and the
validators of the catalog field. What a grade means elsewhere is read through
:mod:`.grades` (public: ``shared.grades``; the sharing workflow's added Authority step, the
search facet, the import template) and what a personal-information mark means through the
kernel module :mod:`ckanext.liuzhou.masking` (the delivered reads, the demo samples).
"""
