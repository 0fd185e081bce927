"""Writes rows of (x, y, label) to a CSV dataset and as JSON lines, copies sample.parquet (pyarrow wrote it:
make_sample_parquet.py) as its Parquet table, a Markdown note (with a script tag the view must not run),
and the row count; logs JSON lines shaped as component-runtime's json_logging writes them."""
import argparse
import datetime
import json
import os
import shutil
import time

parser = argparse.ArgumentParser()
for flag in ("--rows", "--pause", "--data", "--table", "--records", "--report", "--row-count"):
    parser.add_argument(flag)
args = parser.parse_args()


def log(severity, message, **extra):
    print(json.dumps({"timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(), "severity": severity, "message": message,
                      "logger": "make-data", "component": "make-data", "run_name": None, **extra}), flush=True)


rows = int(args.rows)
log("DEBUG", "arguments parsed", rows=rows, pause=float(args.pause))
log("INFO", "making the dataset", rows=rows)
time.sleep(float(args.pause))
if os.environ.get("FIXTURE_TOKEN"):
    log("INFO", "connecting with token " + os.environ["FIXTURE_TOKEN"])
for path in (args.data, args.table, args.records, args.report, args.row_count):
    os.makedirs(os.path.dirname(path), exist_ok=True)
with open(args.data, "w", encoding="utf-8") as out:
    out.write("x,y,label\n")
    for i in range(rows):
        out.write(f"{i},{i * i},{'cat' if i % 3 else 'dog'}\n")
# KFP's output paths have no extension: the view knows these by their content
shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.parquet"), args.table)
with open(args.records, "w", encoding="utf-8") as out:
    for i in range(rows):
        out.write(json.dumps({"x": i, "label": "cat" if i % 3 else "dog", "tags": ["even"] if i % 2 == 0 else []}) + "\n")
with open(args.report, "w", encoding="utf-8") as out:
    out.write(f"# Data report\n\nThe dataset has **{rows} rows**.\n\n<script>document.title = 'pwned'</script>\n\n| column | kind |\n|---|---|\n| x | int |\n| label | str |\n")
with open(args.row_count, "w", encoding="utf-8") as out:
    out.write(str(rows))
print("plain text line from print()", flush=True)
log("WARNING", "labels are unbalanced", dogs=(rows + 2) // 3)
