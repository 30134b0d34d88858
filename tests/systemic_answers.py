"""The Five Whys answers issue #13 saw flagged as naming a person: systemic, with a role, "we" or "nobody" in them."""

SYSTEMIC_ANSWERS = [
    "Nobody owned backup testing, so the failing pg_dump backups went unnoticed for months.",
    "The employee had been reported for spam by a troll, and the admin tooling made it too easy to hard-delete "
    "an account with all its data.",
    "An engineer pushed the bad rule to every edge server at once because WAF rule changes skipped the staged rollout.",
    "We had no performance test stage for WAF rules, so we never tested the regex for CPU use.",
]
