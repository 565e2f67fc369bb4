#!/usr/bin/env python3
"""Pages per group commit by table and index, in a replica of registration's SQLite schema.

Issue 13 (bench/README.md). Python's sqlite3 module uses Debian's libsqlite3, the library the
services use. Each measured commit holds the sent marks of the previous group and N patient +
visit pairs, as registration's group commit does (patient insert with its FTS row and MRN
counter, visit insert with its token, two outbox rows, two request-log claims and answers).
The WAL's frames are then counted per b-tree (dbstat). Not the service's exact statements:
a model to tell which structures cost pages, rerun with

    python3 bench/sqlite_pages_per_commit.py [pairs per commit ...]
"""
import collections, os, random, shutil, sqlite3, struct, sys, tempfile, time, uuid

WORK = tempfile.mkdtemp(prefix="openopd-pages-")
def uuid7():
    ms = int(time.time()*1000); r = random.getrandbits(74)
    v = (ms << 80) | (0x7 << 76) | ((r >> 62) << 64) | (0x2 << 62) | (r & ((1<<62)-1))
    return str(uuid.UUID(int=v))
FIRST=["anna","john","maria","peter","fatima","li","olga","ahmed","sara","david","nomsa","thabo","kim","juan","eva","ivan"]
LAST=["smith","nkosi","garcia","chen","ivanova","khan","dlamini","muller","rossi","kowalski","silva","ndlovu","park","jones","brown","taylor"]
def run(variant, groups=400, per_group=2, preload=20000):
    path=f"{WORK}/{variant}.db"
    for s in ("","-wal","-shm"):
        try: os.remove(path+s)
        except FileNotFoundError: pass
    c=sqlite3.connect(path, isolation_level=None)
    c.execute("pragma journal_mode=wal"); c.execute("pragma synchronous=full")
    c.execute("pragma cache_size=-32000"); c.execute("pragma wal_autocheckpoint=0")
    c.executescript("""
    create table patients(seq integer primary key, id text not null unique, mrn text not null, mrn_key text not null unique,
      full_name text not null, name_key text not null, date_of_birth text not null, national_id_key text unique, phone_key text,
      revision integer not null, synthetic integer not null default 0, doc text not null, registered_at text not null, updated_at text not null);
    create index patients_by_name on patients(name_key, date_of_birth);
    create index patients_by_phone on patients(phone_key);
    create table counters(name text primary key, value integer not null);
    insert into counters values('mrn',0);
    create table queue_tokens(queue text not null, day text not null, last_token integer not null, primary key(queue,day));
    create table visits(seq integer primary key, id text not null unique, patient_id text not null, queue text not null, day text not null,
      token integer not null, priority_rank integer not null, state text not null, is_open integer not null, doc text not null,
      opened_at text not null, updated_at text not null, unique(queue,day,token));
    create unique index visits_one_open_per_day on visits(patient_id, day) where is_open=1;
    create index visits_by_day on visits(day, priority_rank, token);
    create index visits_by_patient on visits(patient_id, day);
    create table outbox(seq integer primary key, event_id text not null unique, subject text not null, payload blob not null,
      created_at text not null, sent_at text, stream_seq integer);
    create index outbox_unsent on outbox(seq) where sent_at is null;
    create table request_log(subject text not null, request_id text not null, staff_id text not null, code integer, reply blob,
      created_at text not null, primary key(subject, request_id));
    """)
    if "noreqidx" not in variant: c.execute("create index request_log_created on request_log(created_at)")
    if "nosentidx" not in variant:
        c.execute("create index outbox_stream_seq on outbox(stream_seq, seq) where stream_seq is not null")
        c.execute("create index outbox_sent_at on outbox(sent_at) where sent_at is not null")
    if "nofts" not in variant:
        prefix = "" if "noprefix" in variant else ", prefix='1 2 3'"
        c.execute(f"create virtual table patients_fts using fts5(full_name, content='patients', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'{prefix})")
        c.execute("create trigger patients_fts_insert after insert on patients begin insert into patients_fts(rowid, full_name) values(new.seq, new.full_name); end")
    stream=[0]
    def pair(c, n):
        now=time.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        name=f"{random.choice(FIRST)} {random.choice(FIRST)} {random.choice(LAST)}"
        pid=uuid7()
        c.execute("insert into request_log(subject,request_id,staff_id,created_at) values(?,?,?,?)",("opd.registration.patient.create",uuid7(),"s1",now))
        c.execute("update counters set value=value+1 where name='mrn'")
        mrn=f"MRN{n:08d}"
        doc='{"id":"%s","mrn":"%s","full_name":"%s","date_of_birth":"1980-01-01","sex":"female","phone":"+27825550123","national_id":"%d","address":"1 Main Road, Cape Town"}'%(pid,mrn,name,random.getrandbits(40))
        c.execute("insert into patients(id,mrn,mrn_key,full_name,name_key,date_of_birth,national_id_key,phone_key,revision,doc,registered_at,updated_at) values(?,?,?,?,?,?,?,?,?,?,?,?)",
          (pid,mrn,mrn.lower(),name,name.replace(" ",""),"1980-01-01",str(random.getrandbits(40)),str(random.getrandbits(33)),1,doc,now,now))
        c.execute("insert into outbox(event_id,subject,payload,created_at) values(?,?,?,?)",(uuid7(),"opd.events.patient.registered",doc.encode()*2,now))
        c.execute("update request_log set code=200, reply=? where subject=? and request_id=(select max(request_id) from request_log where subject=?)",(doc.encode(),"opd.registration.patient.create","opd.registration.patient.create"))
        rid=uuid7()
        c.execute("insert into request_log(subject,request_id,staff_id,created_at) values(?,?,?,?)",("opd.registration.visit.open",rid,"s1",now))
        c.execute("insert into queue_tokens values('general','2026-12-02',1) on conflict(queue,day) do update set last_token=last_token+1")
        tok=c.execute("select last_token from queue_tokens where queue='general' and day='2026-12-02'").fetchone()[0]
        vdoc='{"id":"%s","patient_id":"%s","queue":"general","token":%d,"state":"waiting","priority":"normal"}'%(uuid7(),pid,tok)
        c.execute("insert into visits(id,patient_id,queue,day,token,priority_rank,state,is_open,doc,opened_at,updated_at) values(?,?,?,?,?,?,?,?,?,?,?)",
          (uuid7(),pid,"general","2026-12-02",tok,random.choice([0,1,1,1]),"waiting",1,vdoc,now,now))
        c.execute("insert into outbox(event_id,subject,payload,created_at) values(?,?,?,?)",(uuid7(),"opd.events.visit.registered",vdoc.encode()*2,now))
        c.execute("update request_log set code=200, reply=? where subject=? and request_id=?",(vdoc.encode(),"opd.registration.visit.open",rid))
    def marks(c):
        now=time.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        rows=c.execute("select seq from outbox where sent_at is null order by seq").fetchall()
        for (s,) in rows:
            stream[0]+=1
            c.execute("update outbox set sent_at=?, stream_seq=? where seq=?",(now,stream[0],s))
    n=0
    c.execute("begin")
    for i in range(preload):
        n+=1; pair(c,n)
    marks(c); c.execute("commit"); c.execute("pragma wal_checkpoint(truncate)")
    # measure: each commit holds per_group pairs and the previous group's sent marks
    frames=0
    for g in range(groups):
        c.execute("begin immediate")
        marks(c)
        for k in range(per_group):
            n+=1; pair(c,n)
        c.execute("commit")
    busy,log,ck=c.execute("pragma wal_checkpoint(passive)").fetchone()
    return log/groups


def attribute(variant, per_group):
    run(variant, per_group=per_group)
    path = f"{WORK}/{variant}.db"
    c = sqlite3.connect(path)
    owner = dict(c.execute("select pageno, name from dbstat"))
    data = open(path + "-wal", "rb").read()
    page_size = struct.unpack(">I", data[8:12])[0]
    off, counts, commits = 32, collections.Counter(), 0
    while off + 24 + page_size <= len(data):
        page, db_size = struct.unpack(">II", data[off:off + 8])
        counts[owner.get(page, "page 1" if page == 1 else "free list")] += 1
        commits += 1 if db_size else 0
        off += 24 + page_size
    return counts, commits


if __name__ == "__main__":
    for per_group in [int(a) for a in sys.argv[1:]] or [1, 4]:
        random.seed(1)
        counts, commits = attribute("all", per_group)
        total = sum(counts.values()) / commits
        print(f"{per_group} pairs per commit: {total:.1f} pages per commit, "
              f"{total / per_group:.1f} per pair")
        for name, n in counts.most_common():
            print(f"   {name:32s} {n / commits:5.2f}")
    shutil.rmtree(WORK)
