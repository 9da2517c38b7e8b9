"""bench.real_import_sum reads the logs of bench/real_import.sh as the commands wrote them."""
from bench.real_import_sum import summary


def test_the_figures_of_a_whole_run(tmp_path):
    log = tmp_path / "all.log"
    log.write_text(
        "start 08:18:01 load 0.5 0.4 0.3 pg 10.0 solr 40.5\n"
        "czq import 7f56: 1265 rows: 1263 new, 0 updated, 0 unchanged, 2 refused "
        "(7.3 s, CPU 4.0 s of this process; 173.4 rows/s) TIME 10.80 9.26 0.38\n"
        "lbq import 2aa1: 1676 rows: 1672 new, 0 updated, 0 unchanged, 4 refused "
        "(7.4 s, CPU 4.4 s of this process; 226.8 rows/s) TIME 10.85 9.86 0.34\n"
        "end 08:22:30 load 1.7 1.2 0.9 pg 25.5 solr 70.5\n", encoding="utf-8")
    assert summary(str(log)) == (
        f"{log}: 2 imports, 2941 rows in 14.7 s = 200.1 rows/s; CPU 8.4 s importing processes, "
        "19.8 s commands with helpers; PostgreSQL 15.5 s, Solr 30.0 s (08:18:01–08:22:30 UTC)")


def test_a_failed_command_counts_no_rows(tmp_path):
    log = tmp_path / "trial.log"
    log.write_text("rax  TIME 3.10 2.50 0.20\n", encoding="utf-8")
    assert summary(str(log)).endswith("0 imports, 0 rows in 0.0 s = 0.0 rows/s; CPU 0.0 s importing processes, "
                                      "2.7 s commands with helpers")
