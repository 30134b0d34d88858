"""A real incident entered in full: GitLab.com's database outage of 31 January 2017.

Built from GitLab's public post-mortem (about.gitlab.com, 10 February 2017) the way a team would enter it:
through :class:`MeetingSession`, one call per thing said. The incident crosses midnight UTC (the standby fell
behind on the evening of 31 January; the restore finished on 1 February around 18:00), the database was a
primary with a hot standby, five backup and replication methods failed, and webhooks were lost. Times are
those of the post-mortem, some rounded to the quarter hour; people are the post-mortem's "team-member-N".
The narrative sections are written for this test, in the words of a document owner, not copied.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pmtui.session import MeetingSession, new_incident

POSTMORTEM = "https://about.gitlab.com/blog/2017/02/10/postmortem-of-database-outage-of-january-31/"
LIVE_NOTES = "https://about.gitlab.com/blog/2017/02/01/gitlab-dot-com-database-incident/"
STATUS = "https://twitter.com/gitlabstatus"
TRACKER = "https://gitlab.com/gitlab-com/infrastructure/issues/"
HELD = datetime(2017, 2, 6, 15, 0, tzinfo=UTC)
PUBLISHED = date(2017, 2, 10)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2017, 1 if day == 31 else 2, day, hour, minute, tzinfo=UTC)


EVENTS = [
    (at(31, 17, 20), "Manual LVM snapshot of the production database taken to load into staging for pgpool tests",
     "team-member-1", POSTMORTEM, False),
    (at(31, 19, 0), "Database load rises; users have trouble posting comments on issues and merge requests",
     "monitoring", POSTMORTEM, False),
    (at(31, 21, 0), "Spammer IPs blocked and spam accounts removed; load stays high (a background job is "
     "hard-deleting an employee account flagged as abusive)", "team-member-1", "", False),
    (at(31, 23, 0), "Replication to the hot standby db2 lags, then stops: db1 has already removed the WAL "
     "segments db2 needs", "PostgreSQL", POSTMORTEM, False),
    (at(31, 23, 5), "Rebuild db2: wipe its data directory and copy db1 again with pg_basebackup",
     "team-member-1", "", True),
    (at(31, 23, 15), "pg_basebackup hangs without output; max_wal_senders raised to 32; db1 will not restart "
     "(max_connections 8000 needs too many semaphores), lowered to 2000", "team-member-1", "", False),
    (at(31, 23, 20), "pg_basebackup still waits, with no output, for replication to start", "team-member-1", "",
     False),
    (at(31, 23, 27), "Taking the stuck pg_basebackup for leftover files on db2, the data directory is removed "
     "with rm -rf — in the shell on db1, the primary; stopped after a second or two, about 300 GB are gone",
     "team-member-1", POSTMORTEM, False),
    (at(31, 23, 28), "team-member-1 sees the command ran on db1 and tells the team", "team-member-1", "", False),
    (at(31, 23, 30), "GitLab.com taken offline; the team looks for a backup to restore", "team-member-2",
     STATUS, False),
    (at(31, 23, 45), "The S3 bucket meant to hold pg_dump backups is empty", "team-member-3", POSTMORTEM, False),
    (at(1, 0, 0), "Azure disk snapshots were never enabled for the database servers", "team-member-2", "", False),
    (at(1, 0, 15), "Restore from the staging copy of the 17:20 snapshot (6 hours old) rather than the daily one "
     "(24 hours old); its webhooks were removed in staging and will come from the daily snapshot",
     "team-member-2", POSTMORTEM, True),
    (at(1, 0, 36), "Staging data backed up before the copy to production", "team-member-1", "", False),
    (at(1, 1, 0), "Working notes published in a public document; the recovery later streamed live",
     "team-member-3", LIVE_NOTES, True),
    (at(1, 2, 0), "Copy from staging to db1 starts; Azure classic storage limits it to about 60 Mbit/s",
     "team-member-1", POSTMORTEM, False),
    (at(1, 17, 0), "Copy finished; database started on db1; webhooks restored from the daily snapshot",
     "team-member-2", POSTMORTEM, False),
    (at(1, 18, 14), "GitLab.com back online with the database as of 17:20 on 31 January",
     "team-member-2", STATUS, False),
]

SECTIONS = {
    "summary": """\
On 31 January 2017 at 23:27 UTC, while rebuilding the database's hot standby, an engineer removed the data
directory of the **primary** database of GitLab.com. GitLab.com was offline until 18:14 UTC the next day.
None of our five backup and replication methods gave us a recent copy; we restored from a snapshot taken by
chance six hours earlier, and lost the database changes of those six hours: about 5,000 projects, 5,000
comments and 700 new user accounts, and webhooks created in that time. Git repositories and wikis were not
affected. We are sorry. This document says what happened, why, and what we are changing.""",
    "background": """\
GitLab.com ran on one PostgreSQL 9.6 **primary** (`db1.cluster.gitlab.com`) and one **hot standby**
(`db2.cluster.gitlab.com`) kept current by streaming replication. The standby was for failover; there was no
WAL archiving, so a standby that falls too far behind cannot catch up and must be rebuilt from the primary
with `pg_basebackup`.

We believed five things protected the data:

| Method | What we expected |
| --- | --- |
| `pg_dump` to S3 | a daily dump, uploaded to S3 |
| LVM snapshots | a daily snapshot, copied to staging |
| Azure disk snapshots | snapshots of the servers' disks |
| Replication | a standby ready to take over |
| S3 backups of the snapshots | an off-site copy |

On the afternoon of 31 January an engineer was setting up pgpool in staging and took a manual LVM snapshot
of production at 17:20 to have fresh data there.""",
    "narrative": """\
From 19:00 UTC the database was under more load than usual. We took it for spam: we blocked IP addresses
and removed spam accounts. Part of the load was ours — a background job was hard-deleting an employee's
account that had been flagged as abusive by mistake.

At 23:00 the standby, db2, fell so far behind that the write-ahead log it needed was already gone from db1:
replication stopped. The fix we knew was to empty db2's data directory and copy db1 again with
`pg_basebackup`. It hung without a word. We raised `max_wal_senders`; PostgreSQL on db1 then refused to
start, because `max_connections` was set to 8000 and the server could not allocate enough semaphores; at 2000
it started. `pg_basebackup` still waited, silently.

At 23:27, thinking the earlier attempts had left files behind on db2, team-member-1 removed the data
directory again — in the terminal that was connected to **db1**. The prompts of the two shells looked the
same, and it was late in a long evening. Team-member-1 stopped the command within a second or two, but
about 300 GB of the database's data were gone.

We took GitLab.com offline at 23:30 and went looking for a backup:

1. The S3 bucket for the `pg_dump` backups was empty.
2. Azure disk snapshots had never been enabled for the database servers.
3. The daily LVM snapshot was 24 hours old.
4. The standby had been emptied at 23:05.
5. The manual LVM snapshot of 17:20, in staging, was six hours old.

At 00:15 we chose the staging copy. Webhooks had been removed from it so that staging would not call
customers' endpoints, so they would come from the daily snapshot. From 02:00 the data crawled from staging
to production at about 60 Mbit/s; the copy finished around 17:00, and GitLab.com came back at 18:14.""",
    "detection": """\
The deletion was noticed by the person who ran it, within a minute. No alert fired, and none could have:
nothing watched for a primary losing its data directory.

The failures that turned a mistake into data loss were silent for far longer. The `pg_dump` job had failed
since the upgrade to PostgreSQL 9.6: it ran the 9.2 binaries, which refuse a newer server. Its error emails
were rejected by the receiving servers' DMARC checks, so no one ever saw one.""",
    "response": """\
Once we knew the primary was empty, the response was a search for the newest usable copy. Each of the five
methods failed differently:

- **`pg_dump` to S3**: failing for weeks, without anyone knowing (see Detection).
- **Azure disk snapshots**: enabled for the file servers, never for the database servers.
- **Daily LVM snapshots**: working, but 24 hours old.
- **Replication**: it protects against a lost server, not against a lost directory — and we had just emptied
  the standby ourselves.
- **S3 backups of the snapshots**: there was nothing recent to copy.

Restoring from staging was slow because staging ran on Azure classic storage without premium disks: copying
the data took about 15 hours. We kept working in the open: a public document with our notes, updates on
[@gitlabstatus](https://twitter.com/gitlabstatus), and a live stream of the recovery.""",
    "communication": """\
We announced the outage on @gitlabstatus at 23:30 and kept posting through the night. From 01:00 our working
notes were public, including what we did not yet know, and the recovery was streamed live on YouTube. A
blog post on 1 February and this post-mortem followed. Many users said the openness helped; some asked us,
rightly, how five backup methods could all fail, and this document is our answer.""",
    "impact": """\
- GitLab.com was **unavailable for about 18 hours 47 minutes** (23:27 on 31 January to 18:14 on 1 February).
- Database changes made between **17:20 and 23:27 UTC on 31 January were lost**: about 5,000 projects,
  5,000 comments and 700 new user accounts.
- **Webhooks** created or changed in that window were lost: the restored data came from a copy where
  webhooks had been removed, and were put back from the daily snapshot.
- Git repositories and wikis live on separate file servers and were **not** lost; projects created in the
  window had repositories but no database record, and we contacted their owners.
- Self-managed GitLab installations were not affected.""",
    "lessons": """\
1. A backup that has never been restored is a hope, not a backup. Every method needs an owner and a test.
2. Failures of safety systems must be loud: an email that can bounce is not an alert.
3. Replication is not a backup. It copies mistakes as faithfully as data.
4. Destructive commands on production deserve a visible difference: a prompt that says **production**, and
   procedures that say which host to run each step on.
5. Working in the open during an incident is worth its discomfort.""",
    "supporting": f"""\
- [The post-mortem as GitLab published it]({POSTMORTEM})
- [The live incident notes]({LIVE_NOTES})
- [@gitlabstatus updates]({STATUS})
- Infrastructure issues for every action item are linked in the table below.""",
}

ACTIONS = [
    ("Update PS1 across all hosts to show clearly which host and environment a shell is on", "team-member-4",
     "high", "2017-02-17", "Every production shell prompt names the host and says 'production' in red",
     ["prevents recurrence"], 0, "1094"),
    ("Monitor backups with Prometheus and alert when one is missing or late", "team-member-3", "critical",
     "2017-02-10", "An alert fires within an hour of a missed or failed backup", ["improves detection"], 1,
     "1095"),
    ("Set PostgreSQL's max_connections to a value the servers can start with", "team-member-1", "high",
     "2017-02-17", "db1 and db2 restart with the production settings", ["improves response"], None, "1096"),
    ("Investigate point-in-time recovery and continuous WAL archiving for PostgreSQL", "team-member-2", "high",
     "2017-02-24", "A written choice of method with a restore measured on production-sized data",
     ["prevents recurrence"], 2, "1097"),
    ("Take hourly LVM snapshots of the production databases", "team-member-1", "critical", "2017-02-10",
     "Snapshots exist for every hour of the last day", ["prevents recurrence"], 1, "1098"),
    ("Enable Azure disk snapshots of the production database servers", "team-member-2", "high", "2017-02-17",
     "A snapshot of each database disk at least daily", ["prevents recurrence"], 1, "1099"),
    ("Test restoring PostgreSQL backups automatically, every day", "team-member-3", "critical", "2017-02-24",
     "A daily job restores the newest backup and reports its age and row counts", ["improves detection"], 1,
     "1102"),
    ("Rewrite the PostgreSQL replication runbook, with the host named in every step", "team-member-1", "medium",
     "2017-03-10", "A new engineer rebuilds a standby in staging from the runbook alone",
     ["prevents recurrence", "improves response"], 0, "1103"),
    ("Name an owner for data durability", "team-member-5", "high", "2017-02-17",
     "One named person owns backups and their tests", ["prevents recurrence"], 1, "1163"),
]


def build_gitlab_outage(data_dir: Path) -> str:
    """Enter the meeting into ``data_dir`` and publish it; returns the meeting's id."""
    clock = iter(range(10_000))
    session = MeetingSession.create(
        data_dir,
        new_incident("GitLab.com database outage", severity="SEV1", tz="UTC",
                     services="GitLab.com, PostgreSQL primary db1, hot standby db2"),
        "standard-90",
        now=lambda: HELD.timestamp() + next(clock),
    )
    try:
        for name, role in [("Facilitator Ana", "facilitator"), ("Notes Lee", "note-taker"),
                           ("team-member-1", "responder"), ("team-member-2", "incident commander"),
                           ("team-member-3", "responder")]:
            session.add_attendee(name, role)
        session.update_incident(
            impact_start=at(31, 23, 27), detected=at(31, 23, 28), acknowledged=at(31, 23, 30),
            mitigated=at(1, 18, 14), resolved=at(1, 18, 14),
            summary="The primary database's data directory was removed; GitLab.com was down for 18 hours and "
                    "six hours of database changes were lost.",
            users_affected="every GitLab.com user; changes of about 5,000 projects, 5,000 comments and 700 new "
                           "accounts lost",
            slo_impact="18h47m of unavailability",
            detection_method="noticed by the engineer who ran the command",
        )
        for moment, text, actor, evidence, decision in EVENTS:
            session.add_event(moment, text, actor, evidence, decision_point=decision)
        _analysis(session)
        for section_id, text in SECTIONS.items():
            session.set_section(section_id, text)
        session.set_review(document_owner="team-member-2", follow_up_date="2017-03-10")
        session.end()
        session.publish(on=PUBLISHED.isoformat())
        return session.meeting.id
    finally:
        session.close()


def _analysis(session: MeetingSession) -> None:
    """Observations, three Five Whys chains, contributing factors and the action items with their issues."""
    for kind, text in [
        ("went_well", "A six-hour-old copy existed because a snapshot had been taken for staging that afternoon"),
        ("went_well", "Public notes and a live stream kept users informed through the night"),
        ("went_well", "Git repositories and wikis, on separate file servers, were untouched"),
        ("went_poorly", "None of the five backup and replication methods gave a recent, usable copy"),
        ("went_poorly", "The pg_dump backups had failed for weeks and their error emails were never delivered"),
        ("went_poorly", "Copying the data from staging took about 15 hours on slow disks"),
        ("lucky", "The manual LVM snapshot at 17:20 was taken for unrelated work"),
        ("lucky", "The command was stopped after a second or two, before the server itself was harmed"),
    ]:
        session.add_observation(kind, text)
    chains = []
    for problem, whys, category in [
        ("The primary database's data was removed", [
            "The data directory was removed in the shell on db1 instead of db2",
            "The shells on db1 and db2 looked the same, late in a long evening of work on both",
            "Neither the prompt nor the runbook marks production hosts or names the host of each step",
        ], "process gap"),
        ("Six hours of data were lost and the restore took 18 hours", [
            "No backup newer than 24 hours existed except a snapshot taken by chance",
            "The pg_dump job failed: it ran PostgreSQL 9.2 binaries against a 9.6 server",
            "Its error emails were rejected by DMARC, so the failure went unseen",
            "No backup was ever restored, and no one owned their health",
        ], "monitoring gap"),
        ("Replication to the standby stopped", [
            "The standby fell behind and the WAL segments it needed were already removed",
            "There was no WAL archiving to fetch them from",
            "The database setup was built for failover, not for recovery from a lagging standby",
        ], "design flaw"),
    ]:
        chain = session.start_chain(problem)
        for text in whys:
            session.add_why(chain.id, text)
        session.set_root_cause(chain.id, category)
        chains.append(chain)
    for text, category in [
        ("Engineers were working late, after hours of load problems", "people"),
        ("The replication runbook did not cover a rebuild that hangs", "process"),
        ("max_connections of 8000 stopped PostgreSQL from restarting", "technology"),
        ("Azure classic storage limited the restore copy to about 60 Mbit/s", "technology"),
        ("Spam and a mistaken account deletion loaded the database that evening", "environment"),
    ]:
        session.add_factor(text, category)
    for description, owner, priority, due, criteria, kinds, chain, issue in ACTIONS:
        action = session.add_action(description, owner, priority, due, criteria, kinds,
                                    chains[chain].id if chain is not None else None)
        session.set_action_link(action.id, f"{TRACKER}{issue}")
