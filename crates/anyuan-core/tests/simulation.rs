//! A deterministic simulation of a district: many devices editing offline
//! with wrong clocks, a network that drops, delays, duplicates and reorders
//! messages, and a server that restarts from its persisted state. After a
//! final quiet sync, every device and the server must agree with a reference
//! model folded independently from the change log, nothing may be lost and
//! nothing applied twice.

use std::collections::{BTreeMap, BTreeSet};

use anyuan_core::record::{Record, RecordId, UnitId};
use anyuan_core::sync::client::{Edit, Replica};
use anyuan_core::sync::server::{
    KnownChange, Loaded, LogEntry, MAX_FUTURE_MS, StoredRecord, ingest, ingest_needs, pull_page,
    rebuild_records,
};
use anyuan_core::wire::{
    ChangeV1, PullRequestV1, PullResponseV1, PushRequestV1, PushResponseV1, PushResultV1,
};
use anyuan_core::{Actor, ChangeId, Clock, DeviceId, Hlc, Kind, Role};
use serde_json::{Value, json};
use uuid::Uuid;

/// splitmix64: small, deterministic, good enough for a simulation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        if xs.is_empty() {
            None
        } else {
            Some(&xs[self.below(xs.len() as u64) as usize])
        }
    }
}

const START_MS: u64 = 1_700_000_000_000;
const DAY_MS: i64 = 24 * 3600 * 1000;
const SERVER_DEVICE: DeviceId = DeviceId(0x5e5e_5e5e_5e5e_5e5e);
const DISTRICT: u128 = 1;
const SCHOOLS: [u128; 3] = [10, 20, 30];

fn unit(n: u128) -> UnitId {
    UnitId(Uuid::from_u128(n))
}

/// What survives a server restart: the records table and the change log.
#[derive(Default)]
struct Persisted {
    records: BTreeMap<RecordId, StoredRecord>,
    log: Vec<LogEntry>,
    next_seq: u64,
}

struct Server {
    db: Persisted,
    // In-memory state, rebuilt on restart.
    clock: Clock,
    known: BTreeMap<ChangeId, KnownChange>,
    by_seq: BTreeMap<u64, RecordId>,
}

impl Server {
    fn start(db: Persisted) -> Server {
        let max = db.log.iter().map(|e| e.stamp).max();
        let known = db
            .log
            .iter()
            .map(|e| (e.change, KnownChange::of(e)))
            .collect();
        let by_seq = db.records.values().map(|s| (s.seq, s.record.id)).collect();
        Server {
            db,
            clock: Clock::resume(SERVER_DEVICE, max),
            known,
            by_seq,
        }
    }

    fn restart(self) -> Server {
        // The records table must be exactly what the log rebuilds.
        assert_eq!(
            rebuild_records(&self.db.log),
            self.db.records,
            "records table drifted from the log"
        );
        Server::start(self.db)
    }

    /// One push, as one transaction. `crash`: the transaction rolls back.
    fn push(
        &mut self,
        now: u64,
        actor: &Actor,
        req: &PushRequestV1,
        crash: bool,
    ) -> Option<PushResponseV1> {
        let needs = ingest_needs(&req.changes);
        let loaded = Loaded {
            records: needs
                .records
                .iter()
                .filter_map(|id| self.db.records.get(id).map(|s| (*id, s.record.clone())))
                .collect(),
            known: needs
                .changes
                .iter()
                .filter_map(|c| self.known.get(c).map(|k| (*c, *k)))
                .collect(),
            next_seq: self.db.next_seq,
        };
        let out = ingest(
            now,
            &mut self.clock,
            actor,
            req.device,
            &req.changes,
            loaded,
        );
        if crash {
            return None;
        }
        for e in &out.log_entries {
            assert!(e.stamp.ms <= now + MAX_FUTURE_MS, "stamp not clamped");
            assert!(self.known.insert(e.change, KnownChange::of(e)).is_none());
        }
        self.db.log.extend(out.log_entries);
        for s in out.records_to_write {
            if let Some(old) = self.db.records.get(&s.record.id) {
                self.by_seq.remove(&old.seq);
            }
            self.by_seq.insert(s.seq, s.record.id);
            self.db.records.insert(s.record.id, s);
        }
        self.db.next_seq = out.next_seq;
        Some(PushResponseV1 {
            results: out.results,
        })
    }

    fn pull(&self, now: u64, actor: &Actor, req: &PullRequestV1) -> PullResponseV1 {
        let after = req.cursor.map_or(0, |c| c.0);
        let rows = self
            .by_seq
            .range(after + 1..)
            .map(|(seq, id)| (*seq, &self.db.records[id].record));
        pull_page(actor, req, rows, now)
    }
}

struct Device {
    replica: Replica,
    actor: Actor,
    /// Wall clock minus true time.
    offset_ms: i64,
}

impl Device {
    fn wall(&self, now: u64) -> u64 {
        (now as i64 + self.offset_ms).max(0) as u64
    }
}

enum Delayed {
    Push(usize, PushRequestV1),
    PushResponse(usize, PushResponseV1),
    PullResponse(usize, PullResponseV1),
}

#[derive(Default, Debug)]
struct Stats {
    accepted: usize,
    duplicates: usize,
    refused: usize,
    restamped: usize,
    restarts: usize,
    concurrent_fields: usize,
    children: usize,
    deleted: usize,
}

struct World {
    rng: Rng,
    now: u64,
    server: Option<Server>,
    devices: Vec<Device>,
    delayed: Vec<Delayed>,
    made: BTreeMap<ChangeId, ChangeV1>,
    next_id: u128,
    stats: Stats,
}

fn value_for(rng: &mut Rng, kind: Kind, field: &str) -> Value {
    let bad = rng.chance(4);
    match (kind, field) {
        (_, "name") if bad => json!(""),
        (_, "name") => json!(format!("N{}", rng.below(1000))),
        (Kind::Unit, "type") => json!(if bad { "hospital" } else { "school" }),
        (Kind::Class, "grade") => json!(format!("{}", 1 + rng.below(9))),
        (_, "size" | "present" | "expected") => json!(if bad { 500 } else { rng.below(201) }),
        (Kind::Person, "role") => json!("保安"),
        (Kind::Person, "phone") => json!(if bad { "12" } else { "138-0000-0000" }),
        (Kind::Drill, "drill_kind") => json!(if bad { "flood" } else { "fire" }),
        (Kind::Drill, "status") => json!(*rng.pick(&["planned", "running", "done"]).unwrap()),
        (Kind::Drill, "place") => json!("操场"),
        (Kind::DrillEntry, "what") => json!(if bad { "lunch" } else { "arrival" }),
        (Kind::DrillEntry, "class") => json!(format!("{}班", rng.below(30))),
        (Kind::Clue, "clue_type") => json!("other"),
        (Kind::Clue, "description" | "place") => json!(format!("d{}", rng.below(100))),
        (Kind::Clue, "tracking_no") => json!(format!("XS{}", rng.below(100_000))),
        (Kind::Clue, "status") => json!("reported"),
        (Kind::Clue, "hide_name") => json!(rng.chance(2)),
        (Kind::Clue, "reporter") => json!("李老师"),
        _ => json!(rng.below(10)),
    }
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = Rng(seed);
        let mut devices = Vec::new();
        let mut user = 100u128;
        let mut add = |rng: &mut Rng, role: Role, u: u128, n_devices: usize| {
            user += 1;
            for _ in 0..n_devices {
                let offset_ms = match rng.below(4) {
                    0 => 0,
                    1 => rng.below(DAY_MS as u64) as i64, // up to a day ahead
                    2 => -(rng.below(DAY_MS as u64) as i64), // up to a day behind
                    _ => rng.below(600_000) as i64 - 300_000, // a few minutes off
                };
                let actor = Actor {
                    user: Uuid::from_u128(user),
                    role,
                    unit: unit(u),
                    district: unit(DISTRICT),
                };
                devices.push(Device {
                    replica: Replica::new(DeviceId(rng.next())),
                    actor,
                    offset_ms,
                });
            }
        };
        add(&mut rng, Role::DistrictAdmin, DISTRICT, 2);
        add(&mut rng, Role::Staff, DISTRICT, 1);
        for s in SCHOOLS {
            add(&mut rng, Role::SchoolAdmin, s, 2);
            for _ in 0..4 {
                add(&mut rng, Role::Staff, s, 1);
            }
            add(&mut rng, Role::Staff, s, 2); // one teacher with a phone and a tablet
        }
        World {
            rng,
            now: START_MS,
            server: Some(Server::start(Persisted {
                next_seq: 1,
                ..Persisted::default()
            })),
            devices,
            delayed: Vec::new(),
            made: BTreeMap::new(),
            next_id: 1_000,
            stats: Stats::default(),
        }
    }

    fn fresh(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(self.next_id)
    }

    fn server(&mut self) -> &mut Server {
        self.server.as_mut().unwrap()
    }

    fn edit(&mut self, d: usize) {
        let view = self.devices[d].replica.records();
        let live: Vec<&Record> = view.values().filter(|r| !r.is_deleted()).collect();
        let actor = self.devices[d].actor;
        let roll = self.rng.below(100);
        let edit = if roll < 30 || live.is_empty() {
            // Create: mostly kinds the role may write, sometimes not.
            let kinds: &[Kind] = match actor.role {
                _ if self.rng.chance(8) => Kind::ALL,
                Role::Staff => &[Kind::Drill, Kind::DrillEntry],
                _ => &[
                    Kind::Class,
                    Kind::Person,
                    Kind::Drill,
                    Kind::DrillEntry,
                    Kind::Clue,
                ],
            };
            let kind = *self.rng.pick(kinds).unwrap();
            let u = if actor.role == Role::DistrictAdmin || self.rng.chance(3) {
                unit(*self.rng.pick(&SCHOOLS).unwrap())
            } else {
                actor.unit
            };
            let mut parent = None;
            if kind == Kind::DrillEntry {
                let drills: Vec<RecordId> = live
                    .iter()
                    .filter(|r| r.kind == Kind::Drill && r.unit == u)
                    .map(|r| r.id)
                    .collect();
                match self.rng.pick(&drills) {
                    Some(p) => parent = Some(*p),
                    None => return,
                }
            }
            let record = if kind == Kind::Unit {
                RecordId(u.0)
            } else {
                RecordId(self.fresh())
            };
            let mut fields = BTreeMap::new();
            for f in kind.spec().fields {
                if f.required || self.rng.chance(50) {
                    fields.insert(f.name.to_owned(), value_for(&mut self.rng, kind, f.name));
                }
            }
            Edit {
                record,
                kind,
                unit: u,
                parent,
                fields,
            }
        } else {
            let r = *self.rng.pick(&live).unwrap();
            let mut fields = BTreeMap::new();
            if roll < 38 {
                fields.insert("deleted".to_owned(), json!(true));
            } else {
                for _ in 0..=self.rng.below(2) {
                    let f = self.rng.pick(r.kind.spec().fields).unwrap();
                    fields.insert(f.name.to_owned(), value_for(&mut self.rng, r.kind, f.name));
                }
            }
            Edit {
                record: r.id,
                kind: r.kind,
                unit: r.unit,
                parent: r.parent,
                fields,
            }
        };
        let id = ChangeId(self.fresh());
        let wall = self.devices[d].wall(self.now);
        let change = self.devices[d]
            .replica
            .edit(id, edit, wall)
            .expect("edit of a view record");
        self.made.insert(change.id, change);
    }

    fn deliver_push(&mut self, d: usize, req: PushRequestV1, faults: bool) {
        let crash = faults && self.rng.chance(3);
        let (now, actor) = (self.now, self.devices[d].actor);
        let Some(resp) = self.server().push(now, &actor, &req, crash) else {
            self.stats.restarts += 1;
            self.server = Some(self.server.take().unwrap().restart());
            return;
        };
        for r in &resp.results {
            match r {
                PushResultV1::Accepted { change, stamp, .. } => {
                    self.stats.accepted += 1;
                    if self.made[change].stamp != *stamp {
                        self.stats.restamped += 1;
                    }
                }
                PushResultV1::Duplicate { .. } => self.stats.duplicates += 1,
                PushResultV1::Refused { .. } => self.stats.refused += 1,
            }
        }
        if faults && self.rng.chance(12) {
            return; // response lost
        }
        if faults && self.rng.chance(10) {
            self.delayed.push(Delayed::PushResponse(d, resp));
            return;
        }
        self.devices[d].replica.on_push_response(&resp);
    }

    fn push(&mut self, d: usize) {
        let max = 1 + self.rng.below(6) as usize;
        let Some(req) = self.devices[d].replica.push_batch(max) else {
            return;
        };
        match self.rng.below(100) {
            0..10 => {}                                         // request lost
            10..22 => self.delayed.push(Delayed::Push(d, req)), // arrives later
            22..27 => {
                self.delayed.push(Delayed::Push(d, req.clone())); // and again later
                self.deliver_push(d, req, true);
            }
            _ => self.deliver_push(d, req, true),
        }
    }

    fn pull(&mut self, d: usize, faults: bool) -> bool {
        let limit = 1 + self.rng.below(8) as u32;
        let req = self.devices[d].replica.pull_request(limit);
        if faults && self.rng.chance(8) {
            return false;
        }
        let (now, actor) = (self.now, self.devices[d].actor);
        let resp = self.server().pull(now, &actor, &req);
        let more = resp.more;
        if faults && self.rng.chance(8) {
            return false;
        }
        if faults && self.rng.chance(8) {
            self.delayed.push(Delayed::PullResponse(d, resp));
            return false;
        }
        let wall = self.devices[d].wall(now);
        self.devices[d]
            .replica
            .on_pull(resp, wall)
            .expect("valid records");
        more
    }

    fn deliver_delayed(&mut self) {
        if self.delayed.is_empty() {
            return;
        }
        let i = self.rng.below(self.delayed.len() as u64) as usize;
        match self.delayed.swap_remove(i) {
            Delayed::Push(d, req) => self.deliver_push(d, req, true),
            Delayed::PushResponse(d, resp) => self.devices[d].replica.on_push_response(&resp),
            Delayed::PullResponse(d, resp) => {
                let wall = self.devices[d].wall(self.now);
                self.devices[d]
                    .replica
                    .on_pull(resp, wall)
                    .expect("valid records");
            }
        }
    }

    fn step(&mut self) {
        self.now += self.rng.below(4_000);
        let d = self.rng.below(self.devices.len() as u64) as usize;
        if self.rng.chance(2) {
            // Someone fixes or resets a phone's clock, or it jumps back.
            self.devices[d].offset_ms -= self.rng.below(2 * 3600 * 1000) as i64;
        }
        match self.rng.below(100) {
            0..45 => self.edit(d),
            45..65 => self.push(d),
            65..82 => {
                // A pull session of a few pages.
                for _ in 0..1 + self.rng.below(4) {
                    if !self.pull(d, true) {
                        break;
                    }
                }
            }
            82..97 => self.deliver_delayed(),
            _ => {
                self.stats.restarts += 1;
                self.server = Some(self.server.take().unwrap().restart());
            }
        }
    }

    /// Delivers what is still in the network, then syncs everyone on a good
    /// network: push everything, users discard what was refused, pull all.
    fn quiesce(&mut self) -> BTreeSet<ChangeId> {
        while !self.delayed.is_empty() {
            self.deliver_delayed();
        }
        self.server = Some(self.server.take().unwrap().restart());
        let mut discarded = BTreeSet::new();
        for d in 0..self.devices.len() {
            while let Some(req) = self.devices[d].replica.push_batch(5) {
                self.deliver_push(d, req, false);
            }
        }
        for d in 0..self.devices.len() {
            let ids: Vec<ChangeId> = self.devices[d]
                .replica
                .refused
                .iter()
                .map(|r| r.change.id)
                .collect();
            for id in ids {
                assert!(
                    !self.devices[d]
                        .replica
                        .refused
                        .iter()
                        .any(|r| r.reason.zh.is_empty() || r.reason.en.is_empty())
                );
                self.devices[d].replica.discard_refused(id).unwrap();
                discarded.insert(id);
            }
        }
        for d in 0..self.devices.len() {
            while self.pull(d, false) {}
        }
        discarded
    }
}

/// A field as `(value, stamp, seen, runner_up)`.
type FieldSummary = (Value, Hlc, Option<Hlc>, Option<Hlc>);
/// A record as `(kind, unit, parent, fields)`.
type RecordSummary = (
    Kind,
    UnitId,
    Option<RecordId>,
    BTreeMap<String, FieldSummary>,
);
/// Every write of one field: stamp -> (value, seen).
type FieldWrites = BTreeMap<Hlc, (Value, Option<Hlc>)>;

/// The reference model, folded from the log without the merge code: per
/// field, the highest-stamped write wins and the runner-up is the highest
/// other stamp.
fn reference(log: &[LogEntry]) -> BTreeMap<RecordId, RecordSummary> {
    let mut writes: BTreeMap<(RecordId, String), FieldWrites> = BTreeMap::new();
    let mut ident = BTreeMap::new();
    for e in log {
        let first = *ident.entry(e.record).or_insert((e.kind, e.unit, e.parent));
        assert_eq!(
            first,
            (e.kind, e.unit, e.parent),
            "identity changed in the log"
        );
        for (f, w) in &e.fields {
            let prev = writes
                .entry((e.record, f.clone()))
                .or_default()
                .insert(e.stamp, (w.value.clone(), w.seen));
            assert!(prev.is_none(), "two writes share a stamp");
        }
    }
    let mut out: BTreeMap<_, _> = ident
        .into_iter()
        .map(|(id, (k, u, p))| (id, (k, u, p, BTreeMap::new())))
        .collect();
    for ((id, f), mut by_stamp) in writes {
        let (stamp, (value, seen)) = by_stamp.pop_last().unwrap();
        let runner_up = by_stamp.keys().next_back().copied();
        out.get_mut(&id)
            .unwrap()
            .3
            .insert(f, (value, stamp, seen, runner_up));
    }
    out
}

fn summary(r: &Record) -> RecordSummary {
    let fields = r
        .fields
        .iter()
        .map(|(k, f)| (k.clone(), (f.value.clone(), f.stamp, f.seen, f.runner_up)))
        .collect();
    (r.kind, r.unit, r.parent, fields)
}

fn run(seed: u64, steps: usize) -> Stats {
    let mut w = World::new(seed);
    assert!(w.devices.len() >= 20);
    for _ in 0..steps {
        w.step();
    }
    let discarded = w.quiesce();
    let server = w.server.take().unwrap();
    let db = &server.db;

    // The log: unique changes, increasing seqs, every entry made by a device.
    let mut logged = BTreeSet::new();
    for pair in db.log.windows(2) {
        assert!(pair[0].seq < pair[1].seq, "log seqs must increase");
    }
    for e in &db.log {
        assert!(logged.insert(e.change), "change {} applied twice", e.change);
        let made = &w.made[&e.change];
        let values = |fs: &BTreeMap<String, anyuan_core::wire::FieldWriteV1>| {
            fs.iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        assert_eq!(
            values(&e.fields),
            values(&made.fields),
            "logged values differ from the edit"
        );
        assert_eq!(e.pushed_stamp.is_some(), e.stamp != made.stamp);
    }
    // Nothing lost: every change is in the history or was refused and shown.
    for id in w.made.keys() {
        assert!(
            logged.contains(id) || discarded.contains(id),
            "change {id} lost"
        );
    }

    // The server's records are the reference model.
    let want = reference(&db.log);
    let have: BTreeMap<_, _> = db
        .records
        .iter()
        .map(|(id, s)| (*id, summary(&s.record)))
        .collect();
    assert_eq!(have, want, "server state differs from the reference model");
    assert_eq!(rebuild_records(&db.log), db.records);

    // Every device holds exactly what its user may read, as the server has it.
    for (i, d) in w.devices.iter().enumerate() {
        let r = &d.replica;
        assert!(
            r.outbox.is_empty() && r.refused.is_empty() && r.acked.is_empty(),
            "device {i} not quiet"
        );
        let readable: BTreeMap<RecordId, Record> = db
            .records
            .values()
            .filter(|s| anyuan_core::registry::may_read(&d.actor, &s.record))
            .map(|s| {
                let r = anyuan_core::registry::redact(&d.actor, s.record.clone());
                (r.id, r)
            })
            .collect();
        assert_eq!(r.base, readable, "device {i} base differs from the server");
        assert_eq!(
            r.records(),
            readable,
            "device {i} view differs from the server"
        );
    }

    let mut stats = w.stats;
    for s in db.records.values() {
        stats.concurrent_fields += s.record.concurrent_fields().len();
        stats.children += usize::from(s.record.parent.is_some());
        stats.deleted += usize::from(s.record.is_deleted());
    }
    stats
}

#[test]
fn devices_with_wrong_clocks_on_a_flaky_network_converge_with_nothing_lost_or_duplicated() {
    let mut total = Stats::default();
    for seed in [1, 2, 3, 0xdead_beef, 20_181_105] {
        let s = run(seed, 3_000);
        total.accepted += s.accepted;
        total.duplicates += s.duplicates;
        total.refused += s.refused;
        total.restamped += s.restamped;
        total.restarts += s.restarts;
        total.concurrent_fields += s.concurrent_fields;
        total.children += s.children;
        total.deleted += s.deleted;
    }
    // The scenario must actually exercise what it claims to.
    println!("{total:?}");
    assert!(total.accepted > 1_000, "{total:?}");
    assert!(total.duplicates > 50, "{total:?}");
    assert!(total.refused > 50, "{total:?}");
    assert!(total.restamped > 50, "{total:?}");
    assert!(total.restarts > 20, "{total:?}");
    assert!(total.concurrent_fields > 5, "{total:?}");
    assert!(total.children > 20, "{total:?}");
    assert!(total.deleted > 20, "{total:?}");
}
