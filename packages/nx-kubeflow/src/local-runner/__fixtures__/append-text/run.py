import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--line", required=True)
parser.add_argument("--source")
parser.add_argument("--source-uri")
parser.add_argument("--out", required=True)
parser.add_argument("--out-uri", required=True)
args = parser.parse_args()
# Locally an artifact's URI is its path.
if args.out_uri != args.out or args.source_uri != args.source:
    raise SystemExit(f"uri and path differ: {args}")
text = ""
if args.source:
    with open(args.source, encoding="utf-8") as source:
        text = source.read()
with open(args.out, "w", encoding="utf-8") as out:
    out.write(text + args.line + "\n")
