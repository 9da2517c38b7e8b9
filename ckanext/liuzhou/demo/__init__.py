"""Demo data for the portal: Liuzhou's departments, one user per role, real catalog entries."""
