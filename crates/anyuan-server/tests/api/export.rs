//! Exports: `GET /api/export/{report}` as xlsx (read back with calamine)
//! and CSV, within the reader's scope, with the API's errors.

use std::io::Cursor;

use anyuan_core::wire::PushResultV1;
use anyuan_core::{Kind, UnitId};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{Device, TestApp};

on_both!(
    the_class_list_exports_as_xlsx_with_chinese_headers,
    the_class_list_exports_as_csv_within_the_readers_scope,
    export_errors_are_the_apis_json_errors,
    the_duty_roster_and_log_export_as_xlsx_with_chinese_headers,
    lessons_and_four_in_place_export_as_xlsx_with_chinese_headers,
);

const SCHOOL_A: &str = "示例第一中学";
const SCHOOL_B: &str = "示例实验小学";

/// A GET whose body is kept as bytes (an xlsx is not text).
async fn get_raw(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, HeaderMap, Bytes) {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes)
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// The xlsx's only sheet as rows of cells.
fn sheet(bytes: &Bytes) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[0]).expect("the first sheet");
    let rows = range.rows().map(<[Data]>::to_vec).collect();
    (names, rows)
}

fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

/// School A's admin adds a class whose name looks like a formula and a class
/// that is then deleted.
async fn add_tricky_classes(app: &TestApp, unit: UnitId) {
    let token = app.login("school1").await;
    let mut dev = Device::new();
    let formula = dev.change(
        app.now(),
        Kind::Class,
        unit,
        None,
        json!({"name": "=HYPERLINK(\"http://x\")", "grade": "初三", "size": 1}),
    );
    let gone = dev.change(
        app.now(),
        Kind::Class,
        unit,
        None,
        json!({"name": "已撤销班", "grade": "初三"}),
    );
    let delete = dev.change(
        app.now(),
        Kind::Class,
        unit,
        Some(gone.record),
        json!({"deleted": true}),
    );
    let res = app
        .push(&token, &dev.batch(vec![formula, gone, delete]))
        .await;
    assert!(
        res.results
            .iter()
            .all(|r| matches!(r, PushResultV1::Accepted { .. })),
        "{res:?}"
    );
}

async fn the_class_list_exports_as_xlsx_with_chinese_headers(app: TestApp) {
    let unit = app.demo.unit(SCHOOL_A);
    add_tricky_classes(&app, unit).await;
    let token = app.login("school1").await;
    let (status, headers, bytes) = get_raw(
        &app,
        &format!("/api/export/classes?format=xlsx&unit={unit}"),
        Some(&token),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(
        header_text(&headers, header::CONTENT_TYPE),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = header_text(&headers, header::CONTENT_DISPOSITION);
    assert!(
        disposition.starts_with("attachment; filename=\"classes-20"),
        "{disposition}"
    );
    // 班级名单, percent-encoded as UTF-8.
    assert!(
        disposition.contains("filename*=UTF-8''%E7%8F%AD%E7%BA%A7%E5%90%8D%E5%8D%95-20"),
        "{disposition}"
    );
    assert!(disposition.ends_with(".xlsx"), "{disposition}");

    let (names, rows) = sheet(&bytes);
    assert_eq!(names, ["班级名单"]);
    assert_eq!(rows[0], [text("班级名称"), text("年级"), text("人数")]);
    let body: Vec<(Data, Data, Data)> = rows[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    let expected = [
        ("初一(1)班", "初一", 40.0),
        ("初一(2)班", "初一", 42.0),
        ("初二(1)班", "初二", 41.0),
        ("=HYPERLINK(\"http://x\")", "初三", 1.0),
        ("初三(1)班", "初三", 38.0),
    ];
    let expected: Vec<(Data, Data, Data)> = expected
        .iter()
        .map(|(n, g, s)| (text(n), text(g), Data::Float(*s)))
        .collect();
    assert_eq!(body, expected, "by grade, deleted class left out");
    // The formula-like name is a plain string cell, never a formula.
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let formulas = book.worksheet_formula("班级名单").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    // English headers on request.
    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/classes?format=xlsx&unit={unit}&lang=en"),
        Some(&token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (names, rows) = sheet(&bytes);
    assert_eq!(names, ["Class list"]);
    assert_eq!(rows[0][0], text("Class name"));
}

async fn the_class_list_exports_as_csv_within_the_readers_scope(app: TestApp) {
    let (a, b) = (app.demo.unit(SCHOOL_A), app.demo.unit(SCHOOL_B));
    add_tricky_classes(&app, a).await;
    let teacher = app.login("teacher1").await; // staff of school A
    let (status, headers, bytes) =
        get_raw(&app, "/api/export/classes?format=csv", Some(&teacher)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_text(&headers, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert!(header_text(&headers, header::CONTENT_DISPOSITION).contains(".csv"));
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let csv = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(
        csv,
        "\u{FEFF}班级名称,年级,人数\r\n\
         初一(1)班,初一,40\r\n\
         初一(2)班,初一,42\r\n\
         初二(1)班,初二,41\r\n\
         \"'=HYPERLINK(\"\"http://x\"\")\",初三,1\r\n\
         初三(1)班,初三,38\r\n",
        "school A's classes only, formula guarded"
    );
    assert!(!csv.contains("一年级"), "no class of school B");

    // Asking for school B's classes is refused, not answered empty.
    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/classes?format=csv&unit={b}"),
        Some(&teacher),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let err: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(err["error"]["code"], "export_out_of_scope");

    // School B's admin sees only school B's classes.
    let b_admin = app.login("school2").await;
    let (_, _, bytes) = get_raw(&app, "/api/export/classes?format=csv", Some(&b_admin)).await;
    let csv = std::str::from_utf8(&bytes).unwrap();
    assert!(
        csv.contains("三年级(2)班") && !csv.contains("初一"),
        "{csv}"
    );

    // The district reads every unit: all classes, or one unit's on request.
    let district = app.login("district").await;
    let (_, _, bytes) = get_raw(&app, "/api/export/classes?format=csv", Some(&district)).await;
    let csv = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(csv.lines().count(), 1 + 10 + 1, "{csv}");
    let (_, _, bytes) = get_raw(
        &app,
        &format!("/api/export/classes?format=csv&unit={b}"),
        Some(&district),
    )
    .await;
    assert_eq!(std::str::from_utf8(&bytes).unwrap().lines().count(), 1 + 3);
}

async fn export_errors_are_the_apis_json_errors(app: TestApp) {
    let json_error = |status: StatusCode, bytes: &Bytes| -> Value {
        let v: Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|_| panic!("{status}: {}", String::from_utf8_lossy(bytes)));
        assert!(
            v["error"]["zh"].is_string() && v["error"]["en"].is_string(),
            "{v}"
        );
        v
    };
    // Not signed in: 401, whatever the report.
    for path in [
        "/api/export/classes?format=xlsx",
        "/api/export/nope?format=csv",
    ] {
        let (status, _, bytes) = get_raw(&app, path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        json_error(status, &bytes);
        let (status, _, _) = get_raw(&app, path, Some("not-a-token")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let token = app.login("school1").await;
    let cases = [
        (
            "/api/export/nope?format=csv",
            StatusCode::NOT_FOUND,
            "unknown_report",
        ),
        (
            "/api/export/classes?format=pdf",
            StatusCode::BAD_REQUEST,
            "bad_format",
        ),
        ("/api/export/classes", StatusCode::BAD_REQUEST, "bad_format"),
        (
            "/api/export/classes?format=csv&unit=not-a-uuid",
            StatusCode::BAD_REQUEST,
            "export_bad_param",
        ),
        (
            "/api/export/classes?format=csv&term=2026-3",
            StatusCode::BAD_REQUEST,
            "export_bad_param",
        ),
        (
            "/api/export/classes?format=csv&format=xlsx",
            StatusCode::BAD_REQUEST,
            "export_bad_param",
        ),
    ];
    for (path, want, code) in cases {
        let (status, headers, bytes) = get_raw(&app, path, Some(&token)).await;
        assert_eq!(status, want, "{path}");
        assert!(
            header_text(&headers, header::CONTENT_TYPE).starts_with("application/json"),
            "{path}"
        );
        let v = json_error(status, &bytes);
        assert_eq!(v["error"]["code"], code, "{path}: {v}");
    }
    let (_, _, bytes) = get_raw(&app, "/api/export/nope?format=csv", Some(&token)).await;
    let v = json_error(StatusCode::NOT_FOUND, &bytes);
    assert!(v["error"]["zh"].as_str().unwrap().contains("nope"), "{v}");
}

/// School A's admin rosters a shift; its officer checks in and logs a patrol.
async fn the_duty_roster_and_log_export_as_xlsx_with_chinese_headers(app: TestApp) {
    let unit = app.demo.unit(SCHOOL_A);
    let admin = app.login("school1").await;
    let mut dev = Device::new();
    let shift = dev.change(
        app.now(),
        Kind::DutyShift,
        unit,
        None,
        json!({"person": "张三", "role": "officer", "phone": "13800000000",
               "start": "2026-11-28T08:00", "end": "2026-11-28T20:00"}),
    );
    let res = app.push(&admin, &dev.batch(vec![shift.clone()])).await;
    assert!(
        matches!(res.results[..], [PushResultV1::Accepted { .. }]),
        "{res:?}"
    );
    let teacher = app.login("teacher1").await;
    let mut phone = Device::new();
    let mut check = phone.change(
        app.now(),
        Kind::DutyCheck,
        unit,
        None,
        json!({"action": "check_in", "at": "2026-11-28T08:01", "by": "张三"}),
    );
    check.parent = Some(shift.record);
    let mut patrol = phone.change(
        app.now(),
        Kind::DutyPatrol,
        unit,
        None,
        json!({"at": "2026-11-28T09:00", "area": "东门", "result": "normal"}),
    );
    patrol.parent = Some(shift.record);
    let res = app.push(&teacher, &phone.batch(vec![check, patrol])).await;
    assert!(
        res.results
            .iter()
            .all(|r| matches!(r, PushResultV1::Accepted { .. })),
        "{res:?}"
    );

    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/duty_roster?format=xlsx&unit={unit}"),
        Some(&teacher),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (names, rows) = sheet(&bytes);
    assert_eq!(names, ["排班表"]);
    assert_eq!(
        rows[0],
        [
            "开始时间",
            "结束时间",
            "值班角色",
            "值班人",
            "联系电话",
            "备注"
        ]
        .map(text)
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][2], text("值班人员"));
    assert_eq!(rows[1][3], text("张三"));

    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/duty_log?format=xlsx&unit={unit}"),
        Some(&admin),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (names, rows) = sheet(&bytes);
    assert_eq!(names, ["值班日志"]);
    assert_eq!(
        rows[0],
        [
            "班次开始",
            "值班角色",
            "值班人",
            "记录时间",
            "记录类型",
            "内容",
            "记录人",
            "服务器接收时间"
        ]
        .map(text)
    );
    let kinds: Vec<&Data> = rows[1..].iter().map(|r| &r[4]).collect();
    assert_eq!(kinds, [&text("签到"), &text("巡查")]);
    assert_eq!(rows[2][5], text("东门：正常"));
    assert!(
        !matches!(rows[1][7], Data::Empty),
        "the check-in has the time the server received it: {:?}",
        rows[1]
    );
    assert!(matches!(rows[2][7], Data::Empty), "{:?}", rows[2]);
}

/// A teacher's lesson for a class of their school, read back from the
/// lessons xlsx and the four-in-place xlsx.
async fn lessons_and_four_in_place_export_as_xlsx_with_chinese_headers(app: TestApp) {
    let unit = app.demo.unit(SCHOOL_A);
    let admin = app.login("school1").await;
    let teacher = app.login("teacher1").await;
    let mut dev = Device::new();
    let class = dev.change(
        app.now(),
        Kind::Class,
        unit,
        None,
        json!({"name": "初四(9)班", "grade": "初四"}),
    );
    let class_id = class.record;
    let res = app.push(&admin, &dev.batch(vec![class])).await;
    assert!(
        matches!(res.results[0], PushResultV1::Accepted { .. }),
        "{res:?}"
    );
    let mut lesson = dev.change(
        app.now(),
        Kind::SafetyLesson,
        unit,
        None,
        json!({"date": "2026-09-10", "periods": 2, "teacher_name": "张老师",
               "theme": "fire", "course_type": "basic", "form": "hands_on",
               "lesson_plan": "灭火器的使用", "material": "《消防安全读本》"}),
    );
    lesson.parent = Some(class_id);
    let res = app.push(&teacher, &dev.batch(vec![lesson])).await;
    assert!(
        matches!(res.results[0], PushResultV1::Accepted { .. }),
        "{res:?}"
    );

    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/lessons?format=xlsx&unit={unit}"),
        Some(&teacher),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (names, rows) = sheet(&bytes);
    assert_eq!(names, ["安全教育课记录"]);
    assert_eq!(
        rows[0],
        [
            "班级",
            "年级",
            "上课日期",
            "课时",
            "任课教师",
            "主题",
            "课程类型",
            "形式",
            "教案",
            "教材",
            "学生出勤人数",
            "班级人数"
        ]
        .map(text)
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], text("初四(9)班"));
    assert_eq!(rows[1][3], Data::Float(2.0));
    assert_eq!(rows[1][5], text("消防安全"));
    assert_eq!(rows[1][7], text("实训体验"));

    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/four_in_place?format=xlsx&unit={unit}&term=2026-1"),
        Some(&admin),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (names, rows) = sheet(&bytes);
    assert_eq!(names, ["四落实情况"]);
    assert_eq!(rows[0][..3], ["班级", "年级", "教师落实"].map(text));
    let mine = rows
        .iter()
        .find(|r| r[0] == text("初四(9)班"))
        .expect("the new class's row");
    assert_eq!(mine[2], text("否"));
    assert_eq!(mine[4], Data::Float(2.0));
    assert_eq!(mine[9], text("本学期还没有安全教育计划"));
    // Every class of the school has a row: the demo's four and the new one.
    assert_eq!(rows.len(), 6, "{rows:?}");

    // Without a term, the four in place explains what is missing.
    let (status, _, bytes) = get_raw(
        &app,
        &format!("/api/export/four_in_place?format=xlsx&unit={unit}"),
        Some(&admin),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
}
