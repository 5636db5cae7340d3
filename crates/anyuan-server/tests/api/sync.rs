//! Push and pull: idempotence, paging, refusals, history.

use std::collections::BTreeSet;

use anyuan_core::wire::{PullRequestV1, PushResultV1, RefusalCode};
use anyuan_core::{Cursor, Kind};
use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{Device, TestApp};

on_both!(
    pushing_the_same_batch_twice_changes_nothing,
    pulls_page_through_everything_with_a_cursor,
    refused_changes_carry_reasons_and_change_nothing,
    history_keeps_every_accepted_change_including_losing_writes,
    far_future_stamps_are_restamped_and_the_device_told,
    demo_data_is_in_the_log_and_in_pulls,
    deleting_changes_are_validated_and_undeletes_recheck,
    school_admins_cannot_delete_or_retype_their_unit,
    a_reused_change_id_of_another_user_is_refused_not_dropped,
    stamps_two_minutes_ahead_are_restamped_and_history_shows_it,
);

async fn pushing_the_same_batch_twice_changes_nothing(app: TestApp) {
    let token = app.login("school1").await;
    let school = app.demo.unit("示例第一中学");
    let mut phone = Device::new();
    let changes = vec![
        phone.change(
            app.now(),
            Kind::Class,
            school,
            None,
            json!({"name": "初一(3)班", "size": 39}),
        ),
        phone.change(
            app.now(),
            Kind::Class,
            school,
            None,
            json!({"name": "初一(4)班"}),
        ),
    ];
    let batch = phone.batch(changes);
    let log_before = app.count("SELECT COUNT(*) FROM changes").await;
    let first = app.push(&token, &batch).await;
    assert!(
        first
            .results
            .iter()
            .all(|r| matches!(r, PushResultV1::Accepted { .. })),
        "{first:?}"
    );
    let after_first = (
        app.count("SELECT COUNT(*) FROM changes").await,
        app.count("SELECT COUNT(*) FROM records").await,
        app.count("SELECT value FROM sync_seq").await,
    );
    assert_eq!(after_first.0, log_before + 2);
    let pulled = app.pull_all(&token).await;

    // The response was lost in a dead network: the device sends it again.
    let second = app.push(&token, &batch).await;
    for (a, b) in first.results.iter().zip(&second.results) {
        let (
            PushResultV1::Accepted { change, stamp, seq },
            PushResultV1::Duplicate {
                change: c2,
                stamp: s2,
                seq: q2,
            },
        ) = (a, b)
        else {
            panic!("{a:?} then {b:?}");
        };
        assert_eq!((change, stamp, seq), (c2, s2, q2));
    }
    let after_second = (
        app.count("SELECT COUNT(*) FROM changes").await,
        app.count("SELECT COUNT(*) FROM records").await,
        app.count("SELECT value FROM sync_seq").await,
    );
    assert_eq!(after_first, after_second);
    assert_eq!(app.pull_all(&token).await, pulled);
}

async fn pulls_page_through_everything_with_a_cursor(app: TestApp) {
    let token = app.login("school2").await;
    let school = app.demo.unit("示例实验小学");
    let mut phone = Device::new();
    let changes: Vec<_> = (1..=7)
        .map(|n| {
            phone.change(
                app.now(),
                Kind::Person,
                school,
                None,
                json!({"name": format!("老师{n}")}),
            )
        })
        .collect();
    let pushed: BTreeSet<_> = changes.iter().map(|c| c.record).collect();
    app.push(&token, &phone.batch(changes)).await;
    let everything = app.pull_all(&token).await;

    let mut cursor = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = app.pull(&token, &PullRequestV1 { cursor, limit: 3 }).await;
        pages += 1;
        assert!(page.records.len() <= 3);
        assert!(page.next_cursor >= cursor, "the cursor never goes back");
        if page.more {
            assert_eq!(
                page.records.len(),
                3,
                "a page short of the limit is the last one"
            );
        }
        seen.extend(page.records);
        cursor = page.next_cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(seen, everything, "small pages deliver the same as big ones");
    assert_eq!(pages, everything.len().div_ceil(3));
    let ids: BTreeSet<_> = seen.iter().map(|r| r.id).collect();
    assert!(pushed.is_subset(&ids));
    let tail = app.pull(&token, &PullRequestV1 { cursor, limit: 3 }).await;
    assert!(tail.records.is_empty() && !tail.more);
    assert_eq!(tail.next_cursor, cursor);
    // A later change of one record brings just that record, once.
    let first = seen.iter().find(|r| pushed.contains(&r.id)).unwrap();
    let edit = phone.change(
        app.now(),
        Kind::Person,
        school,
        Some(first.id),
        json!({"phone": "13912345678"}),
    );
    app.push(&token, &phone.batch(vec![edit])).await;
    let next = app.pull(&token, &PullRequestV1 { cursor, limit: 3 }).await;
    assert_eq!(next.records.len(), 1);
    assert_eq!(next.records[0].fields["phone"].value, json!("13912345678"));
    assert!(next.next_cursor > cursor && !next.more);
    // Cursors are decimal strings on the wire.
    let r = app
        .post(
            "/api/sync/pull",
            Some(&token),
            json!({"cursor": 5, "limit": 3}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    let r = app
        .post(
            "/api/sync/pull",
            Some(&token),
            json!({"cursor": "0", "limit": 3}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let _ = Cursor(0);
}

async fn refused_changes_carry_reasons_and_change_nothing(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let teacher = app.login("teacher1").await;
    let mut phone = Device::new();
    let log_before = app.count("SELECT COUNT(*) FROM changes").await;
    let seq_before = app.count("SELECT value FROM sync_seq").await;
    let records_before = app.count("SELECT COUNT(*) FROM records").await;

    let invalid = phone.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "", "size": 500}),
    );
    let good = phone.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "初三(2)班"}),
    );
    let unknown_field = phone.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "x", "colour": "red"}),
    );
    let res = app
        .push(
            &admin,
            &phone.batch(vec![invalid.clone(), good.clone(), unknown_field]),
        )
        .await;
    let PushResultV1::Refused { reason, .. } = &res.results[0] else {
        panic!("{res:?}")
    };
    assert_eq!(reason.code, RefusalCode::Invalid);
    assert_eq!(reason.zh, "请填写班级名称。");
    assert_eq!(reason.en, "Class name is required. Please fill it in.");
    assert_eq!(reason.problems.len(), 2);
    assert!(matches!(res.results[1], PushResultV1::Accepted { .. }));
    let PushResultV1::Refused { reason, .. } = &res.results[2] else {
        panic!("{res:?}")
    };
    assert_eq!(reason.field.as_deref(), Some("colour"));

    // Staff may not write classes; the reason names the role and the kind.
    let class = phone.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "初三(9)班"}),
    );
    let res = app.push(&teacher, &phone.batch(vec![class])).await;
    let PushResultV1::Refused { reason, .. } = &res.results[0] else {
        panic!("{res:?}")
    };
    assert_eq!(reason.code, RefusalCode::RoleNotAllowed);
    assert!(
        reason.zh.contains("教职工") && reason.zh.contains("班级"),
        "{}",
        reason.zh
    );
    assert!(
        reason.en.contains("staff") && reason.en.contains("class"),
        "{}",
        reason.en
    );

    // A stamp from another device than the pushing one is malformed.
    let mut other = Device::new();
    let foreign = other.change(
        app.now(),
        Kind::Drill,
        school,
        None,
        json!({"drill_kind": "fire"}),
    );
    let res = app.push(&teacher, &phone.batch(vec![foreign])).await;
    let PushResultV1::Refused { reason, .. } = &res.results[0] else {
        panic!("{res:?}")
    };
    assert_eq!(reason.code, RefusalCode::Malformed);
    assert!(!reason.zh.is_empty() && !reason.en.is_empty());

    // Only the good change was applied and logged.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM changes").await,
        log_before + 1
    );
    assert_eq!(
        app.count("SELECT value FROM sync_seq").await,
        seq_before + 1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM records").await,
        records_before + 1
    );
    let ids: BTreeSet<_> = app
        .pull_all(&admin)
        .await
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(ids.contains(&good.record) && !ids.contains(&invalid.record));
}

async fn history_keeps_every_accepted_change_including_losing_writes(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let teacher = app.login("teacher1").await;
    let (mut tablet, mut phone) = (Device::new(), Device::new());
    let t0 = app.now();
    let create = tablet.change(
        t0 - 60_000,
        Kind::Drill,
        school,
        None,
        json!({"drill_kind": "fire", "place": "操场"}),
    );
    let drill = create.record;
    app.push(&admin, &tablet.batch(vec![create])).await;
    // Offline, both edit the place. The phone's write is later (wins); the
    // tablet's earlier write arrives last and loses, but is kept.
    let winner = phone.change(
        t0 - 1_000,
        Kind::Drill,
        school,
        Some(drill),
        json!({"place": "体育馆"}),
    );
    let loser = tablet.change(
        t0 - 30_000,
        Kind::Drill,
        school,
        Some(drill),
        json!({"place": "礼堂"}),
    );
    app.push(&teacher, &phone.batch(vec![winner.clone()])).await;
    let res = app.push(&admin, &tablet.batch(vec![loser.clone()])).await;
    assert!(
        matches!(res.results[0], PushResultV1::Accepted { .. }),
        "a losing write is still accepted"
    );

    let record = app
        .pull_all(&admin)
        .await
        .into_iter()
        .find(|r| r.id == drill)
        .unwrap();
    assert_eq!(record.fields["place"].value, json!("体育馆"));
    assert_eq!(
        record.fields["place"].runner_up,
        Some(loser.stamp),
        "the record shows the concurrent edit"
    );

    let r = app
        .get(&format!("/api/sync/history/{}", drill.0), Some(&teacher))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let entries = r.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let places: Vec<_> = entries
        .iter()
        .map(|e| e["fields"]["place"]["v"].clone())
        .collect();
    assert_eq!(
        places,
        [json!("操场"), json!("体育馆"), json!("礼堂")],
        "in arrival order"
    );
    let seqs: Vec<u64> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(entries[1]["device"], json!(phone.id().to_string()));
    assert_eq!(entries[1]["author_name"], "张老师");
    assert_eq!(entries[1]["role"], "staff");
    assert_eq!(entries[2]["author_name"], "李明");
    assert_eq!(entries[2]["stamp"], json!(loser.stamp.to_string()));
    assert!(entries.iter().all(|e| e["server_ms"].as_u64().is_some()));
}

async fn far_future_stamps_are_restamped_and_the_device_told(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let teacher = app.login("teacher1").await;
    let mut broken_clock = Device::new();
    let year_ahead = app.now() + 365 * 24 * 3600 * 1000;
    let c = broken_clock.change(
        year_ahead,
        Kind::Drill,
        school,
        None,
        json!({"drill_kind": "earthquake"}),
    );
    let res = app
        .push(&teacher, &broken_clock.batch(vec![c.clone()]))
        .await;
    let PushResultV1::Accepted { stamp, .. } = res.results[0] else {
        panic!("{res:?}")
    };
    assert_eq!(
        stamp.device,
        app.state.device(),
        "stamped by the server's clock"
    );
    assert!(stamp.ms <= app.now() + 1000);
    let r = app
        .get(&format!("/api/sync/history/{}", c.record.0), Some(&teacher))
        .await;
    assert_eq!(
        r.body["entries"][0]["pushed_stamp"],
        json!(c.stamp.to_string())
    );
    // A restarted server's clock resumes above every stamp in the log.
    let again = crate::helpers::state_on(&app.db.url, &app.clock, Default::default()).await;
    assert!(again.tick() > stamp);
}

async fn demo_data_is_in_the_log_and_in_pulls(app: TestApp) {
    let district = app.login("district").await;
    let records = app.pull_all(&district).await;
    let count = |k: Kind| records.iter().filter(|r| r.kind == k).count();
    assert_eq!(count(Kind::Unit), 4);
    assert_eq!(count(Kind::Class), 10);
    assert_eq!(count(Kind::Person), 10);
    let names: BTreeSet<_> = records
        .iter()
        .filter(|r| r.kind == Kind::Unit)
        .map(|r| r.fields["name"].value.as_str().unwrap().to_owned())
        .collect();
    for n in ["示例区教育局", "示例第一中学", "示例实验小学", "示例幼儿园"] {
        assert!(names.contains(n), "{names:?}");
    }
    let district_unit = records
        .iter()
        .find(|r| r.id.0 == app.demo.district.0)
        .unwrap();
    assert_eq!(district_unit.fields["type"].value, json!("district"));
    assert!(records.iter().any(|r| r.kind == Kind::Class
        && r.fields["name"].value == json!("初一(1)班")
        && r.fields["size"].value == json!(40)));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM changes").await,
        records.len() as i64
    );
    let r = app
        .get(
            &format!("/api/sync/history/{}", app.demo.district.0),
            Some(&district),
        )
        .await;
    assert_eq!(r.body["entries"][0]["author_name"], "周建国");
}

/// The refusal of a push's only change, or a panic.
fn refusal(res: &anyuan_core::wire::PushResponseV1) -> &anyuan_core::wire::Refusal {
    match &res.results[..] {
        [PushResultV1::Refused { reason, .. }] => reason,
        other => panic!("expected one refusal: {other:?}"),
    }
}

async fn deleting_changes_are_validated_and_undeletes_recheck(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let mut phone = Device::new();
    let class = phone.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "初二(5)班"}),
    );
    let record = class.record;
    let res = app.push(&admin, &phone.batch(vec![class])).await;
    assert!(matches!(res.results[0], PushResultV1::Accepted { .. }));
    let before = app.count("SELECT COUNT(*) FROM changes").await;
    let delete = phone.change(
        app.now(),
        Kind::Class,
        school,
        Some(record),
        json!({"deleted": true, "size": -999_999, "name": {"a": 1}}),
    );
    let res = app.push(&admin, &phone.batch(vec![delete])).await;
    let reason = refusal(&res);
    assert_eq!(reason.code, RefusalCode::Invalid);
    assert_eq!(reason.problems.len(), 2, "{reason:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM changes").await, before);
}

async fn school_admins_cannot_delete_or_retype_their_unit(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let mut phone = Device::new();
    let unit_record = Some(anyuan_core::record::RecordId(school.0));
    for fields in [json!({"type": "district"}), json!({"deleted": true})] {
        let c = phone.change(app.now(), Kind::Unit, school, unit_record, fields);
        let res = app.push(&admin, &phone.batch(vec![c])).await;
        let reason = refusal(&res);
        assert_eq!(reason.code, RefusalCode::RoleNotAllowed);
        assert!(reason.zh.contains("区管理员"), "{reason:?}");
    }
    let rename = phone.change(
        app.now(),
        Kind::Unit,
        school,
        unit_record,
        json!({"address": "示例路1号"}),
    );
    let res = app.push(&admin, &phone.batch(vec![rename])).await;
    assert!(
        matches!(res.results[0], PushResultV1::Accepted { .. }),
        "{res:?}"
    );
    // The account API still works for the unit (it used to panic in debug
    // builds once the type said "district").
    let r = app.get("/api/admin/users", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
}

async fn a_reused_change_id_of_another_user_is_refused_not_dropped(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let district = app.login("district").await;
    let mut phone = Device::new();
    let first = phone.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "初三(1)班"}),
    );
    app.push(&admin, &phone.batch(vec![first.clone()])).await;
    let mut laptop = Device::new();
    let mut other = laptop.change(
        app.now(),
        Kind::Class,
        school,
        None,
        json!({"name": "初三(9)班"}),
    );
    other.id = first.id;
    let res = app
        .push(&district, &laptop.batch(vec![other.clone()]))
        .await;
    let reason = refusal(&res);
    assert_eq!(reason.code, RefusalCode::Malformed);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM records WHERE id = '{}'",
            other.record.0
        ))
        .await,
        0
    );
}

async fn stamps_two_minutes_ahead_are_restamped_and_history_shows_it(app: TestApp) {
    let school = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let mut fast = Device::new();
    let c = fast.change(
        app.now() + 2 * 60 * 1000,
        Kind::Class,
        school,
        None,
        json!({"name": "初三(2)班"}),
    );
    let res = app.push(&admin, &fast.batch(vec![c.clone()])).await;
    let PushResultV1::Accepted { stamp, .. } = res.results[0] else {
        panic!("{res:?}")
    };
    assert_ne!(stamp, c.stamp, "two minutes ahead is re-stamped");
    let r = app
        .get(&format!("/api/sync/history/{}", c.record.0), Some(&admin))
        .await;
    assert_eq!(
        r.body["entries"][0]["pushed_stamp"],
        json!(c.stamp.to_string())
    );
    assert_eq!(r.body["entries"][0]["stamp"], json!(stamp.to_string()));
}
