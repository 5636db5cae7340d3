//! Roles and scope: who may read and write which records.
//!
//! Invariant (tested): whatever an actor may write, it may also read, so a
//! device always gets its own accepted changes back in pulls.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::kind::Kind;
use crate::record::{Record, RecordId, UnitId};
use crate::wire::{ChangeV1, Refusal, RefusalCode};

/// A user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// District office (区教育局): reads everything, writes in every unit.
    DistrictAdmin,
    /// A school's safety lead or liaison (分管领导 / 联络员).
    SchoolAdmin,
    /// Teachers, drill coordinators, duty officers, guards.
    Staff,
}

impl Role {
    /// The role's name in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "区管理员",
            Role::SchoolAdmin => "学校管理员",
            Role::Staff => "教职工",
        }
    }

    /// The role's name in English.
    pub fn en(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district administrator",
            Role::SchoolAdmin => "school administrator",
            Role::Staff => "staff",
        }
    }
}

/// Who is acting: the authenticated user of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The user's id (their account; logged as the author of changes).
    pub user: Uuid,
    /// Their role.
    pub role: Role,
    /// The unit they belong to (district staff belong to the district).
    pub unit: UnitId,
    /// The district, whose records (alerts, bulletins) every unit reads.
    pub district: UnitId,
}

/// Whether `actor` may read a record of `kind` that belongs to `record_unit`.
///
/// District admins read everything. Everyone else reads their own unit's
/// records and the district's own (district-wide) records. Confidential kinds
/// are readable by district admins, by admins of the record's unit, and by
/// staff of that unit for the records they created: this function answers
/// for the kind and unit, [`crate::registry::may_read`] for one record.
pub fn can_read(actor: &Actor, kind: Kind, record_unit: UnitId) -> bool {
    if actor.role == Role::DistrictAdmin {
        return true;
    }
    if kind.is_confidential() {
        return record_unit == actor.unit;
    }
    record_unit == actor.unit || record_unit == actor.district
}

/// Whether `actor` may make `change`, given the record as the server holds it
/// (`existing`) and its parent (`parent`, `None` if unknown). `Ok` does not
/// mean the values are valid: see [`crate::validate`].
pub fn check_write(
    actor: &Actor,
    change: &ChangeV1,
    existing: Option<&Record>,
    parent: Option<&Record>,
) -> Result<(), Refusal> {
    let kind = change.kind;
    if !kind.writable_by(actor.role) {
        return Err(Refusal::new(
            RefusalCode::RoleNotAllowed,
            None,
            format!(
                "您的角色（{}）不能修改{}记录。请联系学校管理员处理。",
                actor.role.zh(),
                kind.spec().zh
            ),
            format!(
                "Your role ({}) may not change {} records. Please ask your school administrator.",
                actor.role.en(),
                kind.spec().en
            ),
        ));
    }
    if actor.role != Role::DistrictAdmin && change.unit != actor.unit {
        return Err(Refusal::new(
            RefusalCode::OutOfScope,
            None,
            "您只能修改本单位的记录。请确认所选单位后重试。".into(),
            "You can only change records of your own unit. Check the unit and try again.".into(),
        ));
    }
    if let Some(r) = existing {
        let what = if r.kind != kind {
            Some(("类型", "type"))
        } else if r.unit != change.unit {
            Some(("所属单位", "unit"))
        } else if r.parent != change.parent {
            Some(("上级记录", "parent record"))
        } else {
            None
        };
        if let Some((zh, en)) = what {
            return Err(Refusal::new(
                RefusalCode::Immutable,
                None,
                format!("记录的{zh}创建后不能更改。如需更改，请删除后新建一条记录。"),
                format!(
                    "A record's {en} cannot change after it is created. Delete it and create a new record instead."
                ),
            ));
        }
    }
    if kind.is_confidential()
        && actor.role != Role::DistrictAdmin
        && existing.is_some_and(|r| r.author != Some(actor.user))
    {
        return Err(Refusal::new(
            RefusalCode::OutOfScope,
            None,
            "您只能修改自己提交的记录。".into(),
            "You can only change records you submitted.".into(),
        ));
    }
    if existing.is_some_and(|r| crate::registry::locked(r, actor.role)) {
        return Err(Refusal::new(
            RefusalCode::RoleNotAllowed,
            None,
            format!(
                "这条{}已进入办理流程，您的角色（{}）不能再修改。",
                kind.spec().zh,
                actor.role.zh()
            ),
            format!(
                "This {} is being handled; your role ({}) may no longer change it.",
                kind.spec().en,
                actor.role.en()
            ),
        ));
    }
    crate::registry::check_workflow(actor, change, existing.is_some())?;
    if kind == Kind::Unit && change.record.0 != change.unit.0 {
        return Err(malformed_parent_or_unit(
            "单位记录的编号必须与单位编号一致。请更新应用后重试。",
            "A unit record's id must equal its unit id. Please update the app and try again.",
        ));
    }
    if kind == Kind::Unit && actor.role != Role::DistrictAdmin {
        check_unit_identity(change, existing)?;
    }
    check_parent(change, existing.is_some(), parent)
}

/// The fields of a unit record that say what the unit is: only the district
/// may change them. A school admin edits its unit's name and address.
pub const UNIT_IDENTITY_FIELDS: &[&str] = &["type", crate::validate::DELETED];

/// Refuses a write of a unit's identity field that changes its value (the
/// same value written again, as a whole-record form may, is harmless).
fn check_unit_identity(change: &ChangeV1, existing: Option<&Record>) -> Result<(), Refusal> {
    for field in UNIT_IDENTITY_FIELDS {
        let Some(w) = change.fields.get(*field) else {
            continue;
        };
        if existing.is_some_and(|r| r.get(field) == Some(&w.value)) {
            continue;
        }
        let (zh, en) = if *field == crate::validate::DELETED {
            ("删除或恢复", "delete or restore")
        } else {
            ("更改类型", "change the type of")
        };
        return Err(Refusal::new(
            RefusalCode::RoleNotAllowed,
            Some((*field).to_owned()),
            format!("只有区管理员可以{zh}单位。如需调整，请联系区教育局。"),
            format!(
                "Only the district administrator may {en} a unit. Please contact the district."
            ),
        ));
    }
    Ok(())
}

fn malformed_parent_or_unit(zh: &str, en: &str) -> Refusal {
    Refusal::new(RefusalCode::Malformed, None, zh.into(), en.into())
}

fn check_parent(change: &ChangeV1, exists: bool, parent: Option<&Record>) -> Result<(), Refusal> {
    match (change.kind.parent(), change.parent) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(malformed_parent_or_unit(
            "此类记录不能有上级记录。请更新应用后重试。",
            "Records of this kind cannot have a parent record. Please update the app and try again.",
        )),
        (Some(_), None) => Err(malformed_parent_or_unit(
            "缺少上级记录。请从上级记录中新建此记录。",
            "The parent record is missing. Create this record from its parent record.",
        )),
        // Once the child exists its parent was checked; the parent may since
        // have been deleted, which does not block edits of the child.
        (Some(_), Some(_)) if exists => Ok(()),
        (Some(want), Some(pid)) => match parent {
            Some(p) if p.id == pid && p.kind == want && p.unit == change.unit && !p.is_deleted() => Ok(()),
            Some(p) if p.id == pid && p.is_deleted() => Err(Refusal::new(
                RefusalCode::ParentMissing,
                None,
                "上级记录已被删除，不能再添加内容。".into(),
                "The parent record has been deleted; nothing can be added to it.".into(),
            )),
            Some(p) if p.id == pid => Err(malformed_parent_or_unit(
                "上级记录的类型或单位不对。请更新应用后重试。",
                "The parent record has the wrong type or unit. Please update the app and try again.",
            )),
            _ => Err(Refusal::new(
                RefusalCode::ParentMissing,
                None,
                "找不到上级记录（它可能被拒绝或尚未同步）。请先处理上级记录，再重新提交。".into(),
                "The parent record was not found (it may have been refused or not synced yet). Fix the parent record first, then resend this one.".into(),
            )),
        },
    }
}

/// Whether `actor` may create or manage an account with `role` in `unit`:
/// the district admin manages every account; a school admin manages the
/// staff accounts of their own unit; staff manage none.
pub fn may_manage_account(actor: &Actor, role: Role, unit: UnitId) -> bool {
    match actor.role {
        Role::DistrictAdmin => true,
        Role::SchoolAdmin => role == Role::Staff && unit == actor.unit,
        Role::Staff => false,
    }
}

/// Whether a record with this id is a unit's own record.
pub fn is_unit_record(id: RecordId, unit: UnitId) -> bool {
    id.0 == unit.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::{DeviceId, Hlc};
    use crate::wire::{ChangeId, FieldWriteV1};
    use serde_json::json;

    fn u(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }
    const DISTRICT: u128 = 1;
    const SCHOOL_A: u128 = 10;
    const SCHOOL_B: u128 = 20;

    fn actor(role: Role, unit: u128) -> Actor {
        Actor {
            user: Uuid::from_u128(99),
            role,
            unit: u(unit),
            district: u(DISTRICT),
        }
    }

    fn change(kind: Kind, unit: u128, parent: Option<RecordId>) -> ChangeV1 {
        ChangeV1 {
            id: ChangeId(Uuid::from_u128(5)),
            record: RecordId(Uuid::from_u128(500)),
            kind,
            unit: u(unit),
            parent,
            stamp: Hlc::new(1, 0, DeviceId(1)),
            fields: [(
                "name".to_owned(),
                FieldWriteV1 {
                    value: json!("x"),
                    seen: None,
                },
            )]
            .into(),
        }
    }

    #[test]
    fn school_a_reads_its_own_and_district_records_but_not_school_b() {
        let a_staff = actor(Role::Staff, SCHOOL_A);
        assert!(can_read(&a_staff, Kind::Class, u(SCHOOL_A)));
        assert!(can_read(&a_staff, Kind::Drill, u(DISTRICT)));
        assert!(!can_read(&a_staff, Kind::Class, u(SCHOOL_B)));
        let a_admin = actor(Role::SchoolAdmin, SCHOOL_A);
        assert!(!can_read(&a_admin, Kind::Person, u(SCHOOL_B)));
        let district = actor(Role::DistrictAdmin, DISTRICT);
        assert!(can_read(&district, Kind::Person, u(SCHOOL_B)));
    }

    #[test]
    fn confidential_clues_are_for_the_schools_admins_the_district_and_their_reporter() {
        // Staff of the unit: only their own, record by record
        // (`registry::may_read`, tested in `registry::tests`).
        assert!(can_read(
            &actor(Role::Staff, SCHOOL_A),
            Kind::Clue,
            u(SCHOOL_A)
        ));
        assert!(!can_read(
            &actor(Role::Staff, SCHOOL_A),
            Kind::Clue,
            u(DISTRICT)
        ));
        assert!(can_read(
            &actor(Role::SchoolAdmin, SCHOOL_A),
            Kind::Clue,
            u(SCHOOL_A)
        ));
        assert!(!can_read(
            &actor(Role::SchoolAdmin, SCHOOL_B),
            Kind::Clue,
            u(SCHOOL_A)
        ));
        assert!(!can_read(
            &actor(Role::SchoolAdmin, SCHOOL_A),
            Kind::Clue,
            u(DISTRICT)
        ));
        assert!(can_read(
            &actor(Role::DistrictAdmin, DISTRICT),
            Kind::Clue,
            u(SCHOOL_A)
        ));
        // Any staff member may file one; only its reporter may change it.
        let staff = actor(Role::Staff, SCHOOL_A);
        let c = change(Kind::Clue, SCHOOL_A, None);
        assert!(check_write(&staff, &c, None, None).is_ok());
        let mut theirs = Record::new(c.record, Kind::Clue, u(SCHOOL_A), None);
        theirs.author = Some(Uuid::from_u128(7));
        let e = check_write(&staff, &c, Some(&theirs), None);
        assert_eq!(e.unwrap_err().code, RefusalCode::OutOfScope);
        theirs.author = Some(staff.user);
        assert!(check_write(&staff, &c, Some(&theirs), None).is_ok());
    }

    #[test]
    fn staff_cannot_edit_classes_admins_can_only_in_their_unit() {
        let e = check_write(
            &actor(Role::Staff, SCHOOL_A),
            &change(Kind::Class, SCHOOL_A, None),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code, RefusalCode::RoleNotAllowed);
        assert!(e.zh.contains("教职工") && e.zh.contains("班级"), "{}", e.zh);
        assert!(e.en.contains("staff") && e.en.contains("class"), "{}", e.en);
        let admin = actor(Role::SchoolAdmin, SCHOOL_A);
        assert!(check_write(&admin, &change(Kind::Class, SCHOOL_A, None), None, None).is_ok());
        let e = check_write(&admin, &change(Kind::Class, SCHOOL_B, None), None, None).unwrap_err();
        assert_eq!(e.code, RefusalCode::OutOfScope);
        let district = actor(Role::DistrictAdmin, DISTRICT);
        assert!(check_write(&district, &change(Kind::Class, SCHOOL_B, None), None, None).is_ok());
    }

    #[test]
    fn kind_unit_and_parent_are_immutable() {
        let admin = actor(Role::DistrictAdmin, DISTRICT);
        let c = change(Kind::Class, SCHOOL_A, None);
        let mut existing = Record::new(c.record, Kind::Person, u(SCHOOL_A), None);
        let e = check_write(&admin, &c, Some(&existing), None).unwrap_err();
        assert_eq!(e.code, RefusalCode::Immutable);
        assert!(e.en.contains("type"));
        existing.kind = Kind::Class;
        existing.unit = u(SCHOOL_B);
        let e = check_write(&admin, &c, Some(&existing), None).unwrap_err();
        assert_eq!(e.code, RefusalCode::Immutable);
        assert!(e.en.contains("unit"));
        existing.unit = u(SCHOOL_A);
        assert!(check_write(&admin, &c, Some(&existing), None).is_ok());
    }

    #[test]
    fn child_records_need_a_live_parent_of_the_right_kind_in_the_same_unit() {
        let staff = actor(Role::Staff, SCHOOL_A);
        let drill_id = RecordId(Uuid::from_u128(700));
        let mut drill = Record::new(drill_id, Kind::Drill, u(SCHOOL_A), None);
        let c = change(Kind::DrillEntry, SCHOOL_A, Some(drill_id));
        assert!(check_write(&staff, &c, None, Some(&drill)).is_ok());
        assert_eq!(
            check_write(&staff, &c, None, None).unwrap_err().code,
            RefusalCode::ParentMissing
        );
        let orphan = change(Kind::DrillEntry, SCHOOL_A, None);
        assert_eq!(
            check_write(&staff, &orphan, None, None).unwrap_err().code,
            RefusalCode::Malformed
        );
        drill.apply(
            Hlc::new(2, 0, DeviceId(1)),
            [(&"deleted".to_owned(), &json!(true), None)],
        );
        assert_eq!(
            check_write(&staff, &c, None, Some(&drill))
                .unwrap_err()
                .code,
            RefusalCode::ParentMissing
        );
        let wrong = Record::new(drill_id, Kind::Class, u(SCHOOL_A), None);
        assert_eq!(
            check_write(&staff, &c, None, Some(&wrong))
                .unwrap_err()
                .code,
            RefusalCode::Malformed
        );
    }

    #[test]
    fn unit_records_are_their_own_unit() {
        let admin = actor(Role::SchoolAdmin, SCHOOL_A);
        let mut c = change(Kind::Unit, SCHOOL_A, None);
        assert_eq!(
            check_write(&admin, &c, None, None).unwrap_err().code,
            RefusalCode::Malformed
        );
        c.record = RecordId(u(SCHOOL_A).0);
        assert!(check_write(&admin, &c, None, None).is_ok());
        assert!(is_unit_record(c.record, c.unit));
    }

    #[test]
    fn only_the_district_changes_a_units_type_or_deletes_it() {
        let write = |field: &str, value: serde_json::Value| {
            let mut c = change(Kind::Unit, SCHOOL_A, None);
            c.record = RecordId(u(SCHOOL_A).0);
            c.fields = [(field.to_owned(), FieldWriteV1 { value, seen: None })].into();
            c
        };
        let mut unit = Record::new(RecordId(u(SCHOOL_A).0), Kind::Unit, u(SCHOOL_A), None);
        unit.apply(
            Hlc::new(1, 0, DeviceId(1)),
            [("type".to_owned(), json!("school"))]
                .iter()
                .map(|(k, v)| (k, v, None)),
        );
        let admin = actor(Role::SchoolAdmin, SCHOOL_A);
        let district = actor(Role::DistrictAdmin, DISTRICT);
        for c in [
            write("type", json!("district")),
            write("deleted", json!(true)),
        ] {
            let e = check_write(&admin, &c, Some(&unit), None).unwrap_err();
            assert_eq!(e.code, RefusalCode::RoleNotAllowed);
            assert!(
                e.zh.contains("区管理员") && e.en.contains("district"),
                "{e:?}"
            );
            assert_eq!(
                e.field.as_deref(),
                c.fields.keys().next().map(String::as_str)
            );
            assert!(check_write(&district, &c, Some(&unit), None).is_ok());
        }
        // Its name and address are the school's; the same type again is harmless.
        for c in [
            write("name", json!("新名字")),
            write("address", json!("某路1号")),
            write("type", json!("school")),
        ] {
            assert!(check_write(&admin, &c, Some(&unit), None).is_ok(), "{c:?}");
        }
        // A unit record the school admin creates cannot choose its type.
        let e = check_write(&admin, &write("type", json!("school")), None, None);
        assert_eq!(e.unwrap_err().code, RefusalCode::RoleNotAllowed);
    }

    #[test]
    fn whatever_an_actor_may_write_it_may_read() {
        for role in [Role::DistrictAdmin, Role::SchoolAdmin, Role::Staff] {
            let a = actor(
                role,
                if role == Role::DistrictAdmin {
                    DISTRICT
                } else {
                    SCHOOL_A
                },
            );
            for &kind in Kind::ALL {
                for unit in [DISTRICT, SCHOOL_A, SCHOOL_B] {
                    let mut c = change(kind, unit, None);
                    c.record = RecordId(u(unit).0);
                    let parent =
                        Record::new(RecordId(Uuid::from_u128(7)), Kind::Drill, u(unit), None);
                    if kind.parent().is_some() {
                        c.record = RecordId(Uuid::from_u128(8));
                        c.parent = Some(parent.id);
                    }
                    if check_write(&a, &c, None, Some(&parent)).is_ok() {
                        assert!(can_read(&a, kind, u(unit)), "{role:?} {kind:?} {unit}");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod account_tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn school_admins_manage_only_their_own_staff() {
        let (a, b, d) = (
            UnitId(Uuid::from_u128(1)),
            UnitId(Uuid::from_u128(2)),
            UnitId(Uuid::from_u128(9)),
        );
        let admin = Actor {
            user: Uuid::from_u128(5),
            role: Role::SchoolAdmin,
            unit: a,
            district: d,
        };
        assert!(may_manage_account(&admin, Role::Staff, a));
        assert!(!may_manage_account(&admin, Role::Staff, b));
        assert!(!may_manage_account(&admin, Role::SchoolAdmin, a));
        let district = Actor {
            role: Role::DistrictAdmin,
            unit: d,
            ..admin
        };
        assert!(may_manage_account(&district, Role::SchoolAdmin, b));
        let staff = Actor {
            role: Role::Staff,
            ..admin
        };
        assert!(!may_manage_account(&staff, Role::Staff, a));
    }
}
