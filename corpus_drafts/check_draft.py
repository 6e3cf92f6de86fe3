"""Checks one helper's draft file of the bundled corpus: python3 check_draft.py FILE.jsonl"""
import collections, json, re, sys
import yaml

TOPICS = {"armed_clash", "attack", "civilian_harm", "security_operation", "political", "humanitarian", "protest", "other"}
STANCES = {"agree", "disagree", "discuss", "unrelated"}
STYLES = {"wire", "field_report", "statement", "analysis", "casualty_report"}
ACTORS = yaml.safe_load(open(__file__.rsplit("/", 2)[0] + "/src/marsad/data/marsad_mini/actors.yaml"))

path = sys.argv[1]
errors, topics, stances, actor_n, styles = [], collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
canon = alias = 0
ids = set()
for n, line in enumerate(open(path, encoding="utf-8"), 1):
    if not line.strip():
        continue
    try:
        a = json.loads(line)
    except json.JSONDecodeError as e:
        errors.append(f"line {n}: bad JSON: {e}"); continue
    missing = {"id", "theatre", "style", "title", "text", "topic", "actors", "actor_mentions", "claims"} - a.keys()
    if missing:
        errors.append(f"line {n}: missing fields {sorted(missing)}"); continue
    if a["id"] in ids: errors.append(f"line {n}: duplicate id {a['id']}")
    ids.add(a["id"])
    if a["topic"] not in TOPICS: errors.append(f"line {n}: topic {a['topic']!r} not in {sorted(TOPICS)}")
    if a["style"] not in STYLES: errors.append(f"line {n}: style {a['style']!r} not in {sorted(STYLES)}")
    sentences = [s for s in re.split(r"(?<=[.!؟?])\s+", a["text"].strip()) if s]
    if not 3 <= len(sentences) <= 8: errors.append(f"line {n}: {len(sentences)} sentences (3-8 expected)")
    full = a["title"] + "\n" + a["text"]
    if set(a["actors"]) != set(a["actor_mentions"]): errors.append(f"line {n}: actors and actor_mentions keys differ")
    for actor, forms in a["actor_mentions"].items():
        if actor not in ACTORS: errors.append(f"line {n}: unknown actor {actor!r}"); continue
        actor_n[actor] += 1
        for f in forms:
            if f not in full: errors.append(f"line {n}: mention {f!r} of {actor} not found in title/text")
            if f == ACTORS[actor]["name_ar"]: canon += 1
            else: alias += 1
    if len(a["claims"]) != 3: errors.append(f"line {n}: {len(a['claims'])} claims (3 expected)")
    for c in a["claims"]:
        if c.get("stance") not in STANCES: errors.append(f"line {n}: stance {c.get('stance')!r} not in {sorted(STANCES)}")
        stances[c.get("stance")] += 1
    topics[a["topic"]] += 1; styles[a["style"]] += 1
print(f"{len(ids)} articles"); print("topics", dict(topics)); print("styles", dict(styles))
print("stances", dict(stances)); print("actors (articles)", dict(actor_n))
print(f"mentions: canonical {canon}, alias/description {alias} ({alias / max(1, canon + alias):.0%})")
print("\n".join(errors) if errors else "OK: no errors")
