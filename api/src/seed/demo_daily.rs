//! The demo's daily work: named staff in every department, service requests
//! in every status (some overdue), follow-ups, and partners' leads assigned
//! with their deadlines (some late), all dated around the demo's `today`.

use chrono::{Duration, NaiveDate};
use entity::enums::*;
use entity::*;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::demo::ts;
use crate::domain::text::fold;
use crate::error::AppResult;

/// Staff member `i` works in department `i % 7`: 张磊 and 孙浩 in 市商务局,
/// 王海涛 and 李雯 in 高新区管委会 (whose quota is split between them), …
const STAFF: [&str; 12] =
    ["张磊", "陈静", "王海涛", "刘洋", "赵敏", "周杰", "吴芳", "孙浩", "郑丽", "李雯", "黄强", "何欣"];

const REQUESTS: [(ServiceRequestCategory, &str); 12] = [
    (ServiceRequestCategory::Land, "二期用地指标尚未下达"),
    (ServiceRequestCategory::Approval, "环评审批进度缓慢"),
    (ServiceRequestCategory::Financing, "设备采购需要过桥贷款"),
    (ServiceRequestCategory::Utilities, "厂区双回路供电未接入"),
    (ServiceRequestCategory::Talent, "研发人员子女入学安排"),
    (ServiceRequestCategory::PolicyFulfilment, "落户奖励资金未兑现"),
    (ServiceRequestCategory::Approval, "施工许可证办理"),
    (ServiceRequestCategory::Land, "临时用地手续"),
    (ServiceRequestCategory::Utilities, "天然气管网接入"),
    (ServiceRequestCategory::Other, "园区道路交通组织"),
    (ServiceRequestCategory::Talent, "高管人才公寓"),
    (ServiceRequestCategory::Financing, "出口信用保险"),
];

/// Seeds the daily work; `today` is the demo's office date. Answers the staff
/// member the demo's ADMIN key is bound to (the first of 市商务局).
pub(super) async fn seed_daily_work<C: ConnectionTrait>(
    db: &C,
    today: NaiveDate,
    departments: &[i64],
    projects: &[project::Model],
) -> AppResult<Option<i64>> {
    staff_member::Entity::insert_many(STAFF.iter().enumerate().map(|(i, name)| staff_member::ActiveModel {
        name: Set((*name).into()),
        search_name: Set(fold(name)),
        department_id: Set(departments[i % departments.len()]),
        phone: Set(Some(format!("+86 21 6{:07}", 2_000_000 + i * 137))),
        is_active: Set(true),
        created_at: Set(ts(today - Duration::days(300), i as i64)),
        updated_at: Set(ts(today - Duration::days(300), i as i64)),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    let staff = staff_member::Entity::find().order_by_asc(staff_member::Column::Id).all(db).await?;
    let of_department = |d: i64| staff.iter().filter(move |s| s.department_id == d).map(|s| s.id);
    bind_persons(db, &staff, projects).await?;

    // Service requests: three in each status, pending ones alternately overdue,
    // on the projects most recently added (those a list shows first).
    let mut with_investor: Vec<&project::Model> = projects.iter().filter(|p| p.enterprise_id.is_some()).collect();
    with_investor.sort_by_key(|p| std::cmp::Reverse((p.created_at, p.id)));
    let statuses = [
        ServiceRequestStatus::Open,
        ServiceRequestStatus::Accepted,
        ServiceRequestStatus::Resolved,
        ServiceRequestStatus::Closed,
    ];
    for (k, (category, title)) in REQUESTS.iter().enumerate() {
        let p = with_investor[(k * 3) % with_investor.len()];
        let department = p.department_id.unwrap_or(departments[k % departments.len()]);
        let status = statuses[k % 4];
        let opened = today - Duration::days(3 + (k as i64 * 2) % 20);
        // Pending requests alternate between overdue and on time.
        let due_on = if k % 2 == 0 { today - Duration::days(1 + k as i64 % 3) } else { today + Duration::days(5) };
        let at = ts(opened, k as i64);
        let done = matches!(status, ServiceRequestStatus::Resolved | ServiceRequestStatus::Closed);
        let r = service_request::ActiveModel {
            enterprise_id: Set(p.enterprise_id.unwrap_or_default()),
            project_id: Set(Some(p.id)),
            category: Set(*category),
            title: Set((*title).into()),
            search_name: Set(fold(title)),
            description: Set(format!("{title}，企业希望尽快协调解决。")),
            department_id: Set(department),
            assignee_id: Set(of_department(department).next()),
            status: Set(status),
            due_on: Set(due_on),
            resolution: Set(done.then(|| "已协调相关部门办结".to_owned())),
            satisfaction: Set((status == ServiceRequestStatus::Closed).then_some(Satisfaction::Satisfied)),
            opened_at: Set(at),
            resolved_at: Set(done.then_some(at + Duration::days(2))),
            closed_at: Set((status == ServiceRequestStatus::Closed).then_some(at + Duration::days(3))),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        let r = service_request::Entity::insert(r).exec_with_returning(db).await?;
        let path = statuses.iter().position(|s| *s == status).unwrap_or(0);
        let mut from = None;
        for (step, to) in statuses.iter().take(path + 1).enumerate() {
            service_request_change::Entity::insert(service_request_change::ActiveModel {
                service_request_id: Set(r.id),
                from_status: Set(from),
                to_status: Set(*to),
                department_id: Set(department),
                assignee_id: Set(r.assignee_id),
                note: Set(None),
                changed_by_key_id: Set(None),
                changed_by_staff_id: Set(r.assignee_id),
                changed_by_role: Set(Role::Staff),
                created_at: Set(at + Duration::days(step as i64)),
                ..Default::default()
            })
            .exec(db)
            .await?;
            from = Some(*to);
        }
    }

    // Follow-ups: every third project with an investor, the latest some days
    // ago; every fifth with a next step, some past due.
    for (k, p) in with_investor.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
        let department = p.department_id.unwrap_or(departments[0]);
        let on = today - Duration::days(2 + (k as i64 * 5) % 50);
        let next = (k % 5 == 0).then(|| on + Duration::days(7));
        let f = follow_up::ActiveModel {
            enterprise_id: Set(p.enterprise_id.unwrap_or_default()),
            project_id: Set(Some(p.id)),
            kind: Set([FollowUpKind::Visit, FollowUpKind::Call, FollowUpKind::Meeting, FollowUpKind::Video][k % 4]),
            occurred_at: Set(ts(on, k as i64)),
            occurred_on: Set(on),
            summary: Set("了解项目进展与企业诉求，沟通下一步安排。".into()),
            next_step: Set(next.map(|_| "协调相关部门现场办公".to_owned())),
            next_step_due_on: Set(next),
            created_at: Set(ts(on, k as i64)),
            updated_at: Set(ts(on, k as i64)),
            ..Default::default()
        };
        let f = follow_up::Entity::insert(f).exec_with_returning(db).await?;
        let present: Vec<_> = of_department(department)
            .take(2)
            .map(|s| follow_up_staff::ActiveModel { follow_up_id: Set(f.id), staff_member_id: Set(s) })
            .collect();
        if !present.is_empty() {
            follow_up_staff::Entity::insert_many(present).exec(db).await?;
        }
    }

    // Leads still open get their deadlines from their submission day (1, 3 and
    // 7 days); half are assigned to a department and one of its people.
    let open = lead::Entity::find()
        .filter(lead::Column::Status.is_in([LeadStatus::Submitted, LeadStatus::UnderReview]))
        .order_by_asc(lead::Column::Id)
        .all(db)
        .await?;
    for (k, l) in open.iter().enumerate() {
        let submitted = l.created_at.date_naive();
        let department = departments[k % departments.len()];
        let mut m: lead::ActiveModel = l.clone().into();
        m.respond_due_on = Set(Some(submitted + Duration::days(1)));
        m.decide_due_on = Set(Some(submitted + Duration::days(3)));
        m.feedback_due_on = Set(Some(submitted + Duration::days(7)));
        if k % 2 == 0 {
            m.assigned_department_id = Set(Some(department));
            m.assignee_id = Set(of_department(department).next());
            m.assigned_at = Set(Some(l.created_at + Duration::hours(4)));
        }
        lead::Entity::update(m).exec(db).await?;
    }
    Ok(of_department(departments[0]).next())
}

/// Persons are staff members: each quota split per person names the staff
/// member of that name in its department, and each project with a responsible
/// person names a staff member of its department (the one of that name where
/// there is one) instead of the free text.
async fn bind_persons<C: ConnectionTrait>(
    db: &C,
    staff: &[staff_member::Model],
    projects: &[project::Model],
) -> AppResult<()> {
    let member = |department: i64, name: &str, k: usize| {
        let mut of = staff.iter().filter(|s| s.department_id == department).peekable();
        of.peek()?;
        let named = staff.iter().find(|s| s.department_id == department && s.name == name);
        named.or_else(|| of.cycle().nth(k)).map(|s| s.id)
    };
    for q in quota::Entity::find().filter(quota::Column::Person.ne("")).all(db).await? {
        if let Some(id) = member(q.department_id, &q.person, 0) {
            let mut m: quota::ActiveModel = q.clone().into();
            m.staff_member_id = Set(Some(id));
            m.person = Set(staff.iter().find(|s| s.id == id).map(|s| s.name.clone()).unwrap_or(q.person));
            m.update(db).await?;
        }
    }
    // Names without a staff member go to the department's people in turn.
    let mut turn = 0;
    for p in projects {
        let (Some(name), Some(department)) = (&p.responsible_person, p.department_id) else { continue };
        turn += 1;
        let Some(id) = member(department, name, turn) else { continue };
        let mut m: project::ActiveModel = p.clone().into();
        m.responsible_staff_id = Set(Some(id));
        m.responsible_person = Set(None);
        m.update(db).await?;
    }
    Ok(())
}
