"""Writes sample.parquet beside this file with pyarrow (a real writer, snappy as pyarrow's default):
30 rows of int64, string (one null), double, timestamp and bool columns; and sample-gzip.parquet,
3 of them gzip-compressed. The fixture component
copies it as its `table` output; the view's specs read it and cut-short copies of it.

    python3 -m venv tmp/pq-venv && tmp/pq-venv/bin/pip install pyarrow
    tmp/pq-venv/bin/python packages/nx-kubeflow/src/ui/__fixtures__/make-data/make_sample_parquet.py
"""
import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 30
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
table = pa.table(
    {
        "id": pa.array(range(ROWS), pa.int64()),
        "city": pa.array([None if i == 3 else ["Oslo", "Lima", "Pune"][i % 3] for i in range(ROWS)], pa.string()),
        "score": pa.array([i / 4 for i in range(ROWS)], pa.float64()),
        "seen": pa.array([start + datetime.timedelta(hours=i) for i in range(ROWS)], pa.timestamp("ms", tz="UTC")),
        "ok": pa.array([i % 2 == 0 for i in range(ROWS)], pa.bool_()),
    }
)
pq.write_table(table, Path(__file__).with_name("sample.parquet"))
# a codec hyparquet does not read on its own: the view says so
pq.write_table(table.slice(0, 3), Path(__file__).with_name("sample-gzip.parquet"), compression="gzip")
