#!/bin/sh
# The main jobs on the bundled examples; `make demo` runs this with .venv/bin on PATH.
set -eu
cd "$(dirname "$0")"
section() { printf '\n== %s\n' "$*"; }

section "strip-diacritics: ASR style, shadda and maddah kept"
arabic-tools strip-diacritics diacritized.txt

section "normalize: the text column of a CRLF TSV file, header kept"
arabic-tools normalize --field 2 --header asr-output.tsv

section "transliterate: Arabic to Buckwalter and back"
head -2 diacritized.txt | arabic-tools transliterate --scheme bw
head -2 diacritized.txt | arabic-tools transliterate --scheme bw | arabic-tools transliterate --scheme bw --reverse

section "normalize the utt key of MASSIVE JSON Lines (first 2 records)"
head -2 massive-ar-SA.sample.jsonl | arabic-tools normalize --key utt

section "tokenize: pronoun enclitics as + tokens, the utt key of MASSIVE JSON Lines (3 records), then plain text"
sed -n '3p;10p;18p' massive-ar-SA.sample.jsonl | arabic-tools tokenize --key utt
echo 'لكن بعيداً عن كلامه، قال إنها في بيتهم' | arabic-tools tokenize
echo 'سيارتي في مستشفاه' | arabic-tools tokenize --restore-stem

section "khaleeji: MSA to Gulf Arabic (Kuwaiti pronunciation, Najdi, Emirati spelling, phonemes, --explain)"
arabic-tools khaleeji --dialect kuwaiti khaleeji-msa.txt
arabic-tools khaleeji --dialect najdi khaleeji-msa.txt
arabic-tools khaleeji --dialect emirati --form spelling khaleeji-msa.txt
head -2 khaleeji-msa.txt | arabic-tools khaleeji --dialect kuwaiti --form phonemes
head -1 khaleeji-msa.txt | arabic-tools khaleeji --dialect kuwaiti --explain

section "resample: MASSIVE records filled from the input pools and catalogues (proclitics stay with the template)"
arabic-tools resample resample-ar-SA.jsonl --total 12 --values resample-values.yaml --seed 1 --quiet \
  | python3 -c 'import json, sys; [print(r["annot_utt"], "  <-", r["template"]) for r in map(json.loads, sys.stdin)]'
printf '%s\n' "rappelle-moi [event_name : l'anniversaire] de paul" 'note [event_name : réunion]' \
  'note [event_name : entretien]' "météo [date : d'aujourd'hui]" 'météo [date : demain]' \
  | arabic-tools resample --format text --locale fr-FR --total 6

section "latinize: names ASR wrote in Arabic script back to their catalogue form"
arabic-tools latinize --catalogue latinize-catalogue.tsv --cache-dir "${TMPDIR:-/tmp}/arabic-tools-demo-latinize" latinize-asr.txt
echo 'شغل سترومي' | arabic-tools latinize -c latinize-catalogue.tsv --cache-dir "${TMPDIR:-/tmp}/arabic-tools-demo-latinize" --format jsonl --candidates 2

section "--engine dask: a local Dask cluster maps blocks into part files, the same bytes as the local run"
scratch=$(mktemp -d)
arabic-tools normalize --key utt --engine dask --jobs 2 --block-size 2KiB massive-ar-SA.sample.jsonl -o "$scratch/parts"
ls "$scratch/parts"
cat "$scratch"/parts/part-* > "$scratch/parts.jsonl"
arabic-tools normalize --key utt massive-ar-SA.sample.jsonl | cmp - "$scratch/parts.jsonl" && echo "identical to the local output"
rm -rf "$scratch"
