"""Deterministic demo feed drop (SPEC §2): realistic Jiangsu subjects and records for every feed,
with defects planted at known rates so that a correct validator sets aside exactly those rows.

Everything is drawn from numpy `default_rng` streams derived from the seed (one per purpose, so a
change in one feed does not shift the others) and built column-wise with pyarrow; the only Python
loops run per subject (check characters with python-stdnum) or per file.

Simplifications, on purpose:
- a row's dates never lie after its delivery date except validity ends (有效期至, 处罚有效期…), so a
  file only states what was known when it was delivered;
- the registry (djzc) and the objection/repair feeds carry no planted defects: they are what the
  other feeds are checked and corrected against;
- 个体工商户 with the placeholder USCC are not in djzc, which has no 工商注册号 to key them by.

Modules, in the order a drop is built:
- `drop`: generate_drop, the whole drop and its summary;
- `people`, `companies`, `subjects` (with `identifiers`): who the records are about;
- `records`: what feed builders share; `feeds` and `penalties`: one builder per feed;
- `applications`: objections and repairs, and penalties delivered again;
- `defects`: planted defects; `files`: delivery files;
- `columns`, `dates`: the small helpers they all use.
"""

from credit_tools.demo.generator.drop import SUMMARY_FILE, generate_drop

__all__ = ["SUMMARY_FILE", "generate_drop"]
