//! Drill exports: the drill list and one drill's record as xlsx, read back
//! with calamine, with Chinese headers and the stopwatch's computed times.

use std::io::Cursor;

use anyuan_core::Kind;
use anyuan_core::wire::PushResultV1;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::helpers::{Device, TestApp};

on_both!(a_drill_and_the_drill_list_export_as_xlsx_with_chinese_headers);

/// The first sheet of the xlsx at `path`.
async fn xlsx(app: &TestApp, path: &str, token: &str) -> Vec<Vec<Data>> {
    let req = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("the first sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

async fn a_drill_and_the_drill_list_export_as_xlsx_with_chinese_headers(app: TestApp) {
    let unit = app.demo.unit("示例第一中学");
    let token = app.login("teacher1").await;
    let mut dev = Device::new();
    let now = app.now();
    let drill = dev.change(
        now,
        Kind::Drill,
        unit,
        None,
        json!({"drill_kind": "fire", "status": "done", "scheduled": "2026-11-27T10:00", "place": "操场"}),
    );
    let mut entries = Vec::new();
    for (what, elapsed, class) in [("alarm", 0, None), ("arrival", 83_000, Some("初一(1)班"))] {
        let mut c = dev.change(
            now,
            Kind::DrillEntry,
            unit,
            None,
            json!({"what": what, "at": now as i64 + elapsed, "elapsed": elapsed,
                   "class": class, "class_name": class, "present": 39, "expected": 40}),
        );
        if class.is_none() {
            c.fields
                .retain(|k, _| k == "what" || k == "at" || k == "elapsed");
        }
        c.parent = Some(drill.record);
        entries.push(c);
    }
    let id = drill.record;
    let res = app
        .push(&token, &dev.batch([vec![drill], entries].concat()))
        .await;
    assert!(
        res.results
            .iter()
            .all(|r| matches!(r, PushResultV1::Accepted { .. })),
        "{res:?}"
    );

    let admin = app.login("school1").await;
    let list = xlsx(&app, "/api/export/drills?format=xlsx", &admin).await;
    assert_eq!(
        list[0][..4],
        [
            text("演练类型"),
            text("状态"),
            text("计划时间"),
            text("地点")
        ]
    );
    assert_eq!(list.len(), 2, "one drill: {list:?}");
    assert_eq!(list[1][0], text("火灾"));
    assert_eq!(
        list[1][6],
        Data::Float(83.0),
        "evacuation seconds from the entries"
    );

    let one = xlsx(
        &app,
        &format!("/api/export/drill?format=xlsx&id={id}"),
        &admin,
    )
    .await;
    assert_eq!(
        one[0][..3],
        [text("项目"), text("内容"), text("用时（秒）")]
    );
    let arrival = one
        .iter()
        .find(|r| r[0] == text("班级到达"))
        .expect("an arrival row");
    assert_eq!(
        arrival[1..4],
        [text("初一(1)班"), Data::Float(83.0), Data::Float(39.0)]
    );
}
