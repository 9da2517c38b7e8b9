"""Catalog import and export in the national template (政务信息资源目录编制指南): the template's
columns (:mod:`.template`), the words departments write (:mod:`.words`), reading uploads safely
(:mod:`.reader`), rows to entries and the report (:mod:`.rows`), the import's record and job
(:mod:`.imports`, :mod:`.model`), workbooks out (:mod:`.writer`), actions, auth, pages, CLI."""
