//! Duty watch on the server: a check-in's server-received time (`rcv` on
//! pulled records) is the server's clock when it accepted the check, not the
//! time the phone claims.

use std::time::Duration;

use anyuan_core::Kind;
use anyuan_core::wire::{PullRequestV1, PushResultV1};
use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{Device, TestApp};

on_both!(a_check_in_carries_the_time_the_server_received_it_not_the_phones);

async fn a_check_in_carries_the_time_the_server_received_it_not_the_phones(app: TestApp) {
    let unit = app.demo.unit("示例第一中学");
    let admin = app.login("school1").await;
    let teacher = app.login("teacher1").await;
    let mut office = Device::new();
    let shift = office.change(
        app.now(),
        Kind::DutyShift,
        unit,
        None,
        json!({"person": "张老师", "role": "officer",
               "start": "2026-11-28T08:00", "end": "2026-11-28T20:00"}),
    );
    let shift_at = app.now();
    let res = app.push(&admin, &office.batch(vec![shift.clone()])).await;
    assert!(
        matches!(res.results[..], [PushResultV1::Accepted { .. }]),
        "{res:?}"
    );

    // Hours later a phone whose clock is three days behind checks in; it
    // claims 08:01 on a day long past.
    app.clock.advance(Duration::from_secs(5 * 3600));
    let received_at = app.now();
    let behind = received_at - 3 * 24 * 3600 * 1000;
    let mut phone = Device::new();
    let mut check = phone.change(
        behind,
        Kind::DutyCheck,
        unit,
        None,
        json!({"action": "check_in", "at": "2026-11-25T08:01", "by": "张老师"}),
    );
    check.parent = Some(shift.record);
    let res = app.push(&teacher, &phone.batch(vec![check.clone()])).await;
    assert!(
        matches!(res.results[..], [PushResultV1::Accepted { .. }]),
        "{res:?}"
    );

    // On the wire: `rcv`, a number of milliseconds, the server's time.
    let r = app
        .post("/api/sync/pull", Some(&teacher), json!({"limit": 1000}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let records = r.body["records"].as_array().unwrap();
    let wire = |id: String| {
        records
            .iter()
            .find(|rec| rec["id"] == json!(id))
            .unwrap_or_else(|| panic!("record {id} not pulled"))
            .clone()
    };
    let pulled_check = wire(check.record.to_string());
    assert_eq!(pulled_check["rcv"], json!(received_at), "{pulled_check}");
    assert_ne!(pulled_check["rcv"], json!(behind));
    assert_eq!(
        pulled_check["f"]["at"]["v"],
        json!("2026-11-25T08:01"),
        "the device's time is kept as it was"
    );
    assert_eq!(wire(shift.record.to_string())["rcv"], json!(shift_at));

    // It is the history's time of the record's first change.
    let h = app
        .get(
            &format!("/api/sync/history/{}", check.record.0),
            Some(&admin),
        )
        .await;
    assert_eq!(h.body["entries"][0]["server_ms"], json!(received_at));

    // A later change to the record does not move it.
    app.clock.advance(Duration::from_secs(600));
    let fix = phone.change(
        app.now(),
        Kind::DutyCheck,
        unit,
        Some(check.record),
        json!({"by": "张老师（补记）"}),
    );
    let mut fix = fix;
    fix.parent = Some(shift.record);
    let res = app.push(&teacher, &phone.batch(vec![fix])).await;
    assert!(
        matches!(res.results[..], [PushResultV1::Accepted { .. }]),
        "{res:?}"
    );
    let page = app
        .pull(
            &admin,
            &PullRequestV1 {
                cursor: None,
                limit: 1000,
            },
        )
        .await;
    let again = page
        .records
        .iter()
        .find(|r| r.id == check.record)
        .expect("the check");
    assert_eq!(again.fields["by"].value, json!("张老师（补记）"));
    assert_eq!(again.received_ms, Some(received_at));
}
