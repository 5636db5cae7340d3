//! Every registry walked through create, edit, list and export on an
//! in-memory server (the core's `ingest` and `pull_page`), so a new
//! listing is covered without a test of its own; plus the rules of the
//! declarations themselves, the clue's confidentiality and the workflow.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use uuid::Uuid;

use super::*;
use crate::export::{ReportParams, report};
use crate::hlc::{Clock, Hlc};
use crate::record::RecordId;
use crate::sync::server::{Loaded, ingest, pull_page};
use crate::validate::validate;
use crate::wire::{ChangeId, FieldWriteV1, PullRequestV1, PushResultV1};

const NOW: u64 = 1_790_000_000_000;
const DISTRICT: u128 = 1;
const SCHOOL: u128 = 10;
const OTHER_SCHOOL: u128 = 20;

fn unit(n: u128) -> UnitId {
    UnitId(Uuid::from_u128(n))
}

fn actor(role: Role, unit_n: u128, user: u128) -> Actor {
    Actor {
        user: Uuid::from_u128(user),
        role,
        unit: unit(unit_n),
        district: unit(DISTRICT),
    }
}

fn admin() -> Actor {
    actor(Role::SchoolAdmin, SCHOOL, 100)
}

/// An in-memory server: the records and the log's next seq.
#[derive(Default)]
struct Server {
    records: BTreeMap<RecordId, (u64, Record)>,
    next_seq: u64,
    ids: u128,
    clock_ms: u64,
}

impl Server {
    fn push(
        &mut self,
        who: &Actor,
        kind: Kind,
        rec: RecordId,
        parent: Option<RecordId>,
        fields: Value,
    ) -> PushResultV1 {
        self.ids += 1;
        self.clock_ms += 1;
        let fields: BTreeMap<String, Value> = serde_json::from_value(fields).unwrap();
        let unit = self.records.get(&rec).map_or(who.unit, |(_, r)| r.unit);
        let change = ChangeV1 {
            id: ChangeId(Uuid::from_u128(self.ids)),
            record: rec,
            kind,
            unit,
            parent,
            stamp: Hlc::new(NOW + self.clock_ms, 0, DeviceId(7)),
            fields: fields
                .into_iter()
                .map(|(k, value)| (k, FieldWriteV1 { value, seen: None }))
                .collect(),
        };
        let loaded = Loaded {
            records: self
                .records
                .iter()
                .map(|(id, (_, r))| (*id, r.clone()))
                .collect(),
            known: BTreeMap::new(),
            next_seq: self.next_seq.max(1),
        };
        let mut clock = Clock::new(DeviceId(0x5e));
        let out = ingest(
            NOW + 10_000,
            &mut clock,
            who,
            DeviceId(7),
            &[change],
            loaded,
        );
        for s in out.records_to_write {
            self.records.insert(s.record.id, (s.seq, s.record));
        }
        self.next_seq = out.next_seq;
        out.results.into_iter().next().unwrap()
    }

    fn pull(&self, who: &Actor) -> Vec<Record> {
        let mut rows: Vec<(u64, &Record)> = self.records.values().map(|(s, r)| (*s, r)).collect();
        rows.sort_by_key(|(s, _)| *s);
        let req = PullRequestV1 {
            cursor: None,
            limit: 1000,
        };
        pull_page(who, &req, rows, NOW)
            .records
            .into_iter()
            .map(|r| Record::try_from(r).unwrap())
            .collect()
    }
}

fn accepted(r: &PushResultV1) -> bool {
    matches!(r, PushResultV1::Accepted { .. })
}

/// A valid value for a field, from its rule alone.
fn sample(field: &str, rule: Rule, n: i64) -> Value {
    match rule {
        Rule::Text { max } => json!(format!("{field}{n}").chars().take(max).collect::<String>()),
        Rule::OneOf(codes) => json!(codes[0]),
        Rule::Choice(choices) => json!(choices[0].code),
        Rule::Int { min, max } => json!((min + n).min(max)),
        Rule::Phone => json!("13800000000"),
        Rule::Bool => json!(false),
        Rule::Date => json!("2026-09-01"),
        Rule::DateTime => json!("2026-09-01T08:30"),
        Rule::Term => json!("2026-1"),
        Rule::Ref(_) => json!(Uuid::from_u128(999).to_string()),
    }
}

/// What a new record of `kind` gets from its form and the app's fills.
fn new_values(kind: Kind, n: i64) -> Value {
    let listing = kind.listing().unwrap();
    let mut v = serde_json::Map::new();
    for f in kind.spec().fields {
        if listing.in_form(f.name) || listing.fills.iter().any(|(x, _)| *x == f.name) {
            v.insert(f.name.to_owned(), sample(f.name, f.rule, n));
        }
    }
    if let Some(w) = listing.workflow {
        v.insert(w.field.to_owned(), json!(w.start));
    }
    Value::Object(v)
}

/// A role allowed to write the kind, preferring staff (the weakest).
fn writer(kind: Kind) -> Actor {
    if kind.writable_by(Role::Staff) {
        actor(Role::Staff, SCHOOL, 300)
    } else {
        admin()
    }
}

#[test]
fn every_listing_is_consistent_with_its_kind() {
    let mut slugs = BTreeSet::new();
    assert_eq!(
        kinds().count(),
        LISTINGS.len(),
        "each listing belongs to one kind"
    );
    for kind in kinds() {
        let l = kind.listing().unwrap();
        assert!(slugs.insert(l.slug), "{} is unique", l.slug);
        assert_eq!(by_slug(l.slug), Some(kind));
        assert_eq!(
            report(l.slug).map(|r| r.kinds[0]),
            Some(kind),
            "{} exports",
            l.slug
        );
        let rule = |f: &str| field_spec(kind, f).map(|s| s.rule);
        for f in l.name.iter().chain(l.columns).chain(l.filters) {
            assert!(rule(f).is_some(), "{}: {f} is a field", l.slug);
        }
        for f in l.filters {
            assert!(
                matches!(rule(f), Some(Rule::Choice(_) | Rule::Bool)),
                "{}: filter {f}",
                l.slug
            );
        }
        assert!(rule(l.sort.0).is_some(), "{}: sort field", l.slug);
        if let Some(d) = l.due {
            assert_eq!(rule(d.field), Some(Rule::Date), "{}: due field", l.slug);
        }
        for a in l.after {
            assert_eq!(rule(a.later), Some(Rule::Date));
            assert_eq!(rule(a.earlier), Some(Rule::Date));
        }
        if let Some(e) = l.expect {
            let Some(Rule::Choice(cs)) = rule(e.field) else {
                panic!("{}: expect field is a choice", l.slug)
            };
            assert!(e.codes.iter().all(|c| cs.iter().any(|x| x.code == *c)));
        }
        if let Some(w) = l.workflow {
            let Some(Rule::Choice(states)) = rule(w.field) else {
                panic!("{}: workflow field is a choice", l.slug)
            };
            let known = |s: &str| states.iter().any(|c| c.code == s);
            assert!(known(w.start));
            for t in w.moves {
                assert!(
                    known(t.to) && t.from.iter().all(|s| known(s)),
                    "{}: {}",
                    l.slug,
                    t.to
                );
                assert_eq!(rule(t.by_field), Some(Rule::Text { max: 40 }));
                assert_eq!(rule(t.at_field), Some(Rule::DateTime));
                assert!(
                    t.by.iter().all(|r| kind.writable_by(*r)),
                    "movers may write"
                );
            }
        }
        for child in l.children {
            assert_eq!(child.parent(), Some(kind));
            assert!(child.listing().is_some(), "a child kind lists too");
        }
        if let Some(p) = l.private {
            assert!(kind.is_confidential());
            assert_eq!(rule(p.flag), Some(Rule::Bool));
        }
        // Every required field is in the form, filled, or the workflow's.
        for f in kind.spec().fields.iter().filter(|f| f.required) {
            let filled = l.fills.iter().any(|(x, _)| *x == f.name);
            let owned = l.workflow.is_some_and(|w| w.field == f.name);
            assert!(
                l.in_form(f.name) || filled || owned,
                "{}: {}",
                l.slug,
                f.name
            );
        }
    }
}

#[test]
fn every_registry_creates_edits_lists_and_exports() {
    for kind in kinds() {
        let l = kind.listing().unwrap();
        let mut server = Server::default();
        let parent = kind.parent().map(|pk| {
            let id = RecordId(Uuid::from_u128(5000));
            let r = server.push(&writer(pk), pk, id, None, new_values(pk, 0));
            assert!(accepted(&r), "{}: parent {r:?}", l.slug);
            id
        });
        let who = writer(kind);
        let id = RecordId(Uuid::from_u128(6000));
        let values = new_values(kind, 1);
        assert!(validate(kind, &serde_json::from_value(values.clone()).unwrap()).is_empty());
        let created = server.push(&who, kind, id, parent, values);
        assert!(accepted(&created), "{}: create {created:?}", l.slug);

        // Missing required fields and over-long text are refused.
        let mut missing = new_values(kind, 2);
        let required = kind
            .spec()
            .fields
            .iter()
            .find(|f| f.required && l.in_form(f.name))
            .unwrap();
        missing.as_object_mut().unwrap().remove(required.name);
        let r = server.push(&who, kind, RecordId(Uuid::from_u128(6001)), parent, missing);
        assert!(
            matches!(r, PushResultV1::Refused { .. }),
            "{}: missing {}",
            l.slug,
            required.name
        );
        if let Some(f) = kind
            .spec()
            .fields
            .iter()
            .find(|f| matches!(f.rule, Rule::Text { .. }) && l.in_form(f.name))
        {
            let Rule::Text { max } = f.rule else {
                unreachable!()
            };
            let r = server.push(
                &who,
                kind,
                id,
                parent,
                json!({ f.name: "长".repeat(max + 1) }),
            );
            assert!(
                matches!(r, PushResultV1::Refused { .. }),
                "{}: too long {}",
                l.slug,
                f.name
            );

            // Edit: the new value reaches a reader and the export.
            let edited = server.push(&who, kind, id, parent, json!({ f.name: "已修改的值" }));
            assert!(accepted(&edited), "{}: edit {edited:?}", l.slug);
        }
        let pulled = server.pull(&who);
        let record = pulled
            .iter()
            .find(|r| r.id == id)
            .expect("the author reads it back");
        assert!(!title(record, Lang::Zh).is_empty());
        let table = report(l.slug)
            .unwrap()
            .run(pulled.iter(), ReportParams::default(), Lang::Zh)
            .unwrap();
        assert_eq!(table.title_zh, l.title.zh);
        let row_count = pulled.iter().filter(|r| r.kind == kind).count();
        assert_eq!(
            table.rows.len(),
            row_count,
            "{}: one row per record",
            l.slug
        );
        assert!(
            table.columns.len() >= l.columns.len(),
            "{}: every column exported",
            l.slug
        );
        if record
            .fields
            .values()
            .any(|f| f.value == json!("已修改的值"))
        {
            assert!(
                table
                    .rows
                    .iter()
                    .flatten()
                    .any(|c| c.display(Lang::Zh) == "已修改的值"),
                "{}: the edit is exported",
                l.slug
            );
        }
        // A school in another unit never sees it.
        let stranger = actor(Role::SchoolAdmin, OTHER_SCHOOL, 900);
        assert!(server.pull(&stranger).iter().all(|r| r.id != id));
    }
}

#[test]
fn every_registry_form_can_be_filled_and_saved() {
    // What a person types into the inputs the form offers; the fills and
    // the workflow's start are the app's, so the form must not demand them.
    for kind in kinds() {
        let l = kind.listing().unwrap();
        let inputs: BTreeMap<String, String> = kind
            .spec()
            .fields
            .iter()
            .filter(|f| l.in_form(f.name))
            .map(|f| {
                let text = match sample(f.name, f.rule, 1) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (f.name.to_owned(), text)
            })
            .collect();
        let checked = crate::form::check(kind, &inputs, true);
        assert!(checked.is_ok(), "{}: {:?}", l.slug, checked.problems);
        let required_blank: BTreeMap<String, String> =
            inputs.keys().map(|k| (k.clone(), String::new())).collect();
        let checked = crate::form::check(kind, &required_blank, true);
        for f in kind
            .spec()
            .fields
            .iter()
            .filter(|f| f.required && l.in_form(f.name))
        {
            assert!(
                checked.problems.contains_key(f.name),
                "{}: {} may be left blank",
                l.slug,
                f.name
            );
        }
    }
}

#[test]
fn dates_in_the_wrong_order_are_refused_on_device_and_server() {
    let values: BTreeMap<String, Value> = serde_json::from_value(json!({
        "plan_kind": "fire", "title": "火灾应急预案", "responsible": "王校长",
        "approved_on": "2026-09-01", "next_revision": "2026-08-01"
    }))
    .unwrap();
    let p = validate(Kind::EmergencyPlan, &values);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].field, "next_revision");
    assert!(p[0].zh.contains("不能早于批准日期"), "{}", p[0].zh);
    let inputs: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let form = crate::form::check(Kind::EmergencyPlan, &inputs, true);
    assert_eq!(
        form.problems["next_revision"].code,
        ProblemCode::Inconsistent
    );
    let mut server = Server::default();
    let r = server.push(
        &admin(),
        Kind::EmergencyPlan,
        RecordId(Uuid::from_u128(1)),
        None,
        json!(values),
    );
    assert!(matches!(r, PushResultV1::Refused { .. }), "{r:?}");
}

#[test]
fn things_that_happened_cannot_be_dated_in_the_future_on_a_form() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let inputs = |when: &str| -> BTreeMap<String, String> {
        [
            ("clue_type", "other"),
            ("place", "南门"),
            ("description", "可疑"),
            ("occurred_at", when),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    };
    let ctx = crate::form::FormContext {
        today: Some(today),
        ..Default::default()
    };
    let future = crate::form::check_with(Kind::Clue, &inputs("2026-12-05T08:00"), true, ctx);
    assert!(
        future.problems["occurred_at"].zh.contains("不能晚于今天"),
        "{future:?}"
    );
    assert!(crate::form::check_with(Kind::Clue, &inputs("2026-12-04T23:59"), true, ctx).is_ok());
    // A future install date is a plan: the barrier stays due.
    let mut r = Record::new(
        RecordId(Uuid::from_u128(1)),
        Kind::VehicleBarrier,
        unit(SCHOOL),
        None,
    );
    for (f, v) in [
        ("status", "planned"),
        ("install_deadline", "2026-11-01"),
        ("installed_on", "2027-03-01"),
    ] {
        r.apply(
            Hlc::new(1, 0, DeviceId(1)),
            [(&f.to_owned(), &json!(v), None)],
        );
    }
    assert_eq!(standing(&r, today).map(|s| s.0), Some(Standing::Overdue));
}

fn clue(place: &str, hide: bool) -> Value {
    json!({
        "clue_type": "drug_lure", "place": place, "description": "有陌生人在校门口向学生兜售可疑物品",
        "hide_name": hide, "tracking_no": "XS20261204-0007-ABCDE", "reporter": "李老师", "status": "reported"
    })
}

#[test]
fn a_clue_is_read_by_its_reporter_the_schools_admins_and_the_district_only() {
    let mut server = Server::default();
    let reporter = actor(Role::Staff, SCHOOL, 300);
    let colleague = actor(Role::Staff, SCHOOL, 301);
    let id = RecordId(Uuid::from_u128(77));
    assert!(accepted(&server.push(
        &reporter,
        Kind::Clue,
        id,
        None,
        clue("校门口", false)
    )));
    let sees = |a: &Actor| server.pull(a).iter().any(|r| r.id == id);
    assert!(sees(&reporter));
    assert!(
        !sees(&colleague),
        "another staff member's device never gets it"
    );
    assert!(sees(&admin()));
    assert!(sees(&actor(Role::DistrictAdmin, DISTRICT, 1)));
    assert!(!sees(&actor(Role::SchoolAdmin, OTHER_SCHOOL, 2)));
    // The colleague cannot write into it blindly either.
    let r = server.push(&colleague, Kind::Clue, id, None, json!({"place": "改掉"}));
    assert!(matches!(r, PushResultV1::Refused { .. }));
    // The reporter may still correct it.
    assert!(accepted(&server.push(
        &reporter,
        Kind::Clue,
        id,
        None,
        json!({"place": "南门"})
    )));
    // A staff export holds only their own.
    let other = RecordId(Uuid::from_u128(78));
    assert!(accepted(&server.push(
        &colleague,
        Kind::Clue,
        other,
        None,
        clue("操场", false)
    )));
    let mine = server.pull(&reporter);
    let table = report("clues")
        .unwrap()
        .run(mine.iter(), ReportParams::default(), Lang::Zh)
        .unwrap();
    assert_eq!(table.rows.len(), 1);
}

#[test]
fn a_hidden_reporter_is_hidden_from_the_school_but_not_from_the_district() {
    let mut server = Server::default();
    let reporter = actor(Role::Staff, SCHOOL, 300);
    let id = RecordId(Uuid::from_u128(79));
    assert!(accepted(&server.push(
        &reporter,
        Kind::Clue,
        id,
        None,
        clue("校门口", true)
    )));
    let get = |a: &Actor| server.pull(a).into_iter().find(|r| r.id == id).unwrap();
    let school = get(&admin());
    assert_eq!(school.get("reporter"), None);
    assert_eq!(school.author, None);
    let district = get(&actor(Role::DistrictAdmin, DISTRICT, 1));
    assert_eq!(district.get("reporter"), Some(&json!("李老师")));
    assert_eq!(district.author, Some(reporter.user));
    assert_eq!(get(&reporter).get("reporter"), Some(&json!("李老师")));
}

#[test]
fn only_the_district_moves_a_clue_and_a_new_one_starts_reported() {
    let mut server = Server::default();
    let reporter = actor(Role::Staff, SCHOOL, 300);
    let id = RecordId(Uuid::from_u128(80));
    let mut received = clue("校门口", false);
    received["status"] = json!("received");
    let r = server.push(&reporter, Kind::Clue, id, None, received);
    assert!(
        matches!(r, PushResultV1::Refused { .. }),
        "a new clue starts reported"
    );
    assert!(accepted(&server.push(
        &reporter,
        Kind::Clue,
        id,
        None,
        clue("校门口", false)
    )));
    for who in [reporter, admin()] {
        let r = server.push(&who, Kind::Clue, id, None, json!({"status": "received"}));
        assert!(
            matches!(r, PushResultV1::Refused { .. }),
            "{:?} may not",
            who.role
        );
    }
    let district = actor(Role::DistrictAdmin, DISTRICT, 1);
    let w = Kind::Clue.listing().unwrap().workflow.unwrap();
    assert!(w.moves_from("reported", Role::SchoolAdmin).is_empty());
    let moves: Vec<&str> = w
        .moves_from("reported", Role::DistrictAdmin)
        .iter()
        .map(|t| t.to)
        .collect();
    assert_eq!(moves, ["received", "forwarded", "closed"]);
    let r = server.push(
        &district,
        Kind::Clue,
        id,
        None,
        json!({"status": "received", "received_by": "区法制科", "received_at": "2026-12-04T09:00"}),
    );
    assert!(accepted(&r), "{r:?}");
    // Received: the reporter and the school can no longer change it.
    for who in [reporter, admin()] {
        let r = server.push(&who, Kind::Clue, id, None, json!({"place": "改了"}));
        assert!(
            matches!(r, PushResultV1::Refused { .. }),
            "{:?} edited a received clue",
            who.role
        );
    }
    assert!(accepted(&server.push(
        &district,
        Kind::Clue,
        id,
        None,
        json!({"people": "两名成年男子"})
    )));
}

#[test]
fn a_school_admin_cannot_change_a_clue_someone_else_filed() {
    let mut server = Server::default();
    let id = RecordId(Uuid::from_u128(81));
    assert!(accepted(&server.push(
        &actor(Role::Staff, SCHOOL, 300),
        Kind::Clue,
        id,
        None,
        clue("门口", false)
    )));
    let r = server.push(
        &admin(),
        Kind::Clue,
        id,
        None,
        json!({"description": "改写"}),
    );
    assert!(matches!(r, PushResultV1::Refused { .. }), "{r:?}");
}

#[test]
fn due_dates_make_records_due_soon_then_overdue_until_done() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let mut r = Record::new(
        RecordId(Uuid::from_u128(1)),
        Kind::VehicleBarrier,
        unit(SCHOOL),
        None,
    );
    let set = |r: &mut Record, f: &str, v: Value, ms: u64| {
        r.apply(Hlc::new(ms, 0, DeviceId(1)), [(&f.to_owned(), &v, None)]);
    };
    set(&mut r, "status", json!("planned"), 1);
    set(&mut r, "install_deadline", json!("2026-12-31"), 1);
    assert_eq!(standing(&r, today), None, "27 days ahead, 14 days' warning");
    set(&mut r, "install_deadline", json!("2026-12-10"), 2);
    assert_eq!(standing(&r, today).map(|s| s.0), Some(Standing::DueSoon));
    set(&mut r, "install_deadline", json!("2026-12-01"), 3);
    assert_eq!(standing(&r, today).map(|s| s.0), Some(Standing::Overdue));
    set(&mut r, "status", json!("installed"), 4);
    assert_eq!(standing(&r, today), None, "done in an installed state");
    set(&mut r, "status", json!("planned"), 5);
    set(&mut r, "installed_on", json!("2026-11-30"), 5);
    assert_eq!(
        standing(&r, today),
        None,
        "done once the install date is set"
    );
    set(&mut r, "deleted", json!(true), 6);
    set(&mut r, "installed_on", json!(null), 6);
    assert_eq!(standing(&r, today), None, "deleted records are never due");
}

#[test]
fn a_unit_misses_the_plans_and_group_roles_it_has_no_live_record_of() {
    let mk = |n: u128, kind: Kind, u: u128, field: &str, code: &str, deleted: bool| {
        let mut r = Record::new(RecordId(Uuid::from_u128(n)), kind, unit(u), None);
        r.apply(
            Hlc::new(1, 0, DeviceId(1)),
            [(&field.to_owned(), &json!(code), None)],
        );
        if deleted {
            r.apply(
                Hlc::new(2, 0, DeviceId(1)),
                [(&"deleted".to_owned(), &json!(true), None)],
            );
        }
        r
    };
    let records = [
        mk(
            1,
            Kind::LeadingGroupMember,
            SCHOOL,
            "position",
            "liaison",
            false,
        ),
        mk(
            2,
            Kind::LeadingGroupMember,
            SCHOOL,
            "position",
            "leader_in_charge",
            true,
        ),
        mk(
            3,
            Kind::LeadingGroupMember,
            OTHER_SCHOOL,
            "position",
            "leader_in_charge",
            false,
        ),
        mk(4, Kind::EmergencyPlan, SCHOOL, "plan_kind", "fire", false),
    ];
    assert_eq!(
        missing(Kind::LeadingGroupMember, &records, unit(SCHOOL)),
        ["leader_in_charge"]
    );
    let plans = missing(Kind::EmergencyPlan, &records, unit(SCHOOL));
    assert_eq!(plans.len(), 7);
    assert!(!plans.contains(&"fire") && plans.contains(&"general"));
    assert!(
        missing(Kind::Training, &records, unit(SCHOOL)).is_empty(),
        "nothing expected"
    );
    assert_eq!(
        code_label(Kind::EmergencyPlan, "plan_kind", "general", Lang::Zh),
        "总体预案"
    );
}

#[test]
fn tracking_numbers_name_the_day_and_device_and_differ_by_record() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let a = tracking_number(
        day,
        DeviceId(0xab_3f2a),
        Uuid::from_u128(0x0193_a1b2_c3d4_7e5f_8a9b_0c1d_2e3f_4a5b),
    );
    let b = tracking_number(
        day,
        DeviceId(0xab_3f2a),
        Uuid::from_u128(0x0193_a1b2_c3d4_7e5f_8a9b_0c1d_2e3f_4a5c),
    );
    assert!(a.starts_with("XS20261204-3F2A-"), "{a}");
    assert_eq!(a.len(), "XS20261204-3F2A-K7QM2".len());
    assert_ne!(a, b);
    assert!(
        validate(
            Kind::Clue,
            &serde_json::from_value::<BTreeMap<String, Value>>({
                let mut v = clue("x", false);
                v["tracking_no"] = json!(a);
                v
            })
            .unwrap()
        )
        .is_empty()
    );
}

#[test]
fn search_matches_every_word_in_what_the_list_shows() {
    let mut r = Record::new(
        RecordId(Uuid::from_u128(1)),
        Kind::FireCheck,
        unit(SCHOOL),
        None,
    );
    for (f, v) in [
        ("area", "kitchen"),
        ("area_name", "一楼后厨"),
        ("checker", "张明"),
    ] {
        r.apply(
            Hlc::new(1, 0, DeviceId(1)),
            [(&f.to_owned(), &json!(v), None)],
        );
    }
    assert!(
        matches(&r, "食堂 张明", Lang::Zh),
        "a choice matches by its name"
    );
    assert!(matches(&r, "kitchen", Lang::En));
    assert!(!matches(&r, "食堂 李", Lang::Zh));
    assert!(matches(&r, "  ", Lang::Zh));
    assert_eq!(title(&r, Lang::Zh), "食堂厨房 · 一楼后厨");
}

#[test]
fn the_district_is_told_which_schools_lack_a_registry_never_its_own_office() {
    let mut records = Vec::new();
    for (n, kind, name) in [
        (SCHOOL, "school", "一中"),
        (OTHER_SCHOOL, "kindergarten", "幼儿园"),
        (DISTRICT, "district", "区教育局"),
    ] {
        let mut u = Record::new(RecordId(Uuid::from_u128(n)), Kind::Unit, unit(n), None);
        for (f, v) in [("type", kind), ("name", name)] {
            u.apply(
                Hlc::new(1, 0, DeviceId(1)),
                [(&f.to_owned(), &json!(v), None)],
            );
        }
        records.push(u);
    }
    for (n, u, position) in [
        (50, SCHOOL, "liaison"),
        (51, SCHOOL, "leader_in_charge"),
        (52, OTHER_SCHOOL, "liaison"),
    ] {
        let mut r = Record::new(
            RecordId(Uuid::from_u128(n)),
            Kind::LeadingGroupMember,
            unit(u),
            None,
        );
        r.apply(
            Hlc::new(1, 0, DeviceId(1)),
            [(&"position".to_owned(), &json!(position), None)],
        );
        records.push(r);
    }
    let schools = schools(&records);
    assert_eq!(
        schools.len(),
        2,
        "the district office is not a school: {schools:?}"
    );
    assert_eq!(
        gaps(Kind::LeadingGroupMember, &records, &schools),
        vec![(unit(OTHER_SCHOOL), vec!["leader_in_charge"])]
    );
    assert_eq!(
        lacking(Kind::LeadingGroupMember, &records, &schools),
        ["幼儿园"]
    );
    assert_eq!(
        lacking(Kind::EmergencyPlan, &records, &schools),
        ["一中", "幼儿园"]
    );
}
