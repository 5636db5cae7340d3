//! The duty module's strings (值班). Field labels come from the core's
//! field specs; role, alert type, level and status names from
//! `anyuan_core::duty` where it has them.

strings! {
    /// The duty module's strings.
    DutyStrings, ZH, EN {
        nav: "值班", "Duty";
        title: "值班", "Duty watch";
        day_view: "日视图", "Day";
        week_view: "周视图", "Week";
        prev: "上一天", "Previous day";
        next: "下一天", "Next day";
        prev_week: "上一周", "Previous week";
        next_week: "下一周", "Next week";
        today: "今天", "Today";
        no_shifts: "这一天没有排班。", "No shifts on this day.";
        no_shifts_week: "这一周没有排班。", "No shifts this week.";
        new_shift: "新增班次", "Add a shift";
        copy_week: "复制上周排班到本周", "Copy last week into this week";
        copy_week_done: "已复制班次：", "Shifts copied: ";
        copy_week_none: "上周没有可复制的新班次。", "Nothing new to copy from last week.";
        gaps: "值班缺口", "Coverage gaps";
        gaps_hint: "以下时段要求全天候值班（节假日、活动期间或气象预警），但排班人数不足：", "These times require round-the-clock duty (holiday, event or weather alert) but too few people are rostered:";
        gap_missing: "缺少", "Missing";
        no_gaps: "需保障时段均已排满。", "Every required period is covered.";
        status_upcoming: "未开始", "Upcoming";
        status_awaiting: "待签到", "Awaiting check-in";
        status_not_checked_in: "未签到", "Not checked in";
        status_on_duty: "在岗", "On duty";
        status_checked_out_early: "已签退", "Checked out";
        status_done: "已完成", "Done";
        status_missed: "缺岗", "Missed";
        open: "查看", "Open";
        check_in: "签到", "Check in";
        check_out: "签退", "Check out";
        checked_in: "签到", "Checked in";
        checked_out: "签退", "Checked out";
        device_time: "设备时间", "Device time";
        server_received: "服务器收到：", "Received by the server: ";
        not_received_yet: "服务器尚未收到（等待同步）", "Not yet received by the server (waiting to sync)";
        received_note: "签到、签退时间为操作设备上的时间；服务器收到的时间由服务器记录，同步后显示在旁边，不受设备时钟影响。", "Check-in and check-out times are the device's own; the time the server received each is recorded by the server, shows next to it after a sync, and does not depend on the device's clock.";
        log: "值班日志", "Shift log";
        log_empty: "还没有记录。", "Nothing logged yet.";
        add_patrol: "记录巡查", "Log a patrol";
        add_incident: "记录突发事件", "Log an incident";
        add_handover: "填写交接班记录", "Write a handover note";
        patrol: "巡查", "Patrol";
        incident: "事件", "Incident";
        handover: "交接班", "Handover";
        result_normal: "正常", "Normal";
        result_problem: "有问题", "Problem";
        action_taken: "处置：", "Action: ";
        reported_to: "已报告：", "Reported to: ";
        handover_to: "接班人：", "To: ";
        received_handovers: "上一班的交接事项", "Handover from the previous shift";
        live_gaps: "值班未到岗", "Not at their post";
        late_by: "已超过开班时间（分钟）：", "Minutes since the shift started: ";
        call: "拨打", "Call";
        my_shifts: "今天的值班", "Duty today";
        alert_banner_hint: "预警期间：全天候值班，按清单检查，按时报告。", "During the alert: round-the-clock duty, work through the checklist, report on time.";
        alerts: "气象预警", "Weather alerts";
        new_alert: "发布气象预警", "Set a weather alert";
        new_alert_district: "全区各单位都会收到此预警。", "Every unit in the district receives this alert.";
        new_alert_school: "此预警只适用于本校。", "This alert applies to this school only.";
        alert_active: "生效中", "In force";
        alert_ended: "已解除", "Lifted";
        alert_upcoming: "未生效", "Not yet in force";
        lift_alert: "解除预警", "Lift the alert";
        lift_confirm: "确定现在解除此预警吗？", "Lift this alert now?";
        checklist: "处置清单", "Checklist";
        checklist_done: "完成", "Done";
        reports: "状况报告", "Status reports";
        report_now: "提交状况报告", "Send a status report";
        report_due: "下次报告时间：", "Next report due: ";
        report_overdue: "报告已逾期", "Report overdue";
        report_on_time: "按时", "On time";
        no_reports: "还没有报告。", "No reports yet.";
        unit: "单位", "Unit";
        col_reported_at: "报告时间", "Reported at";
        col_status: "状况", "Status";
        col_details: "情况说明", "Details";
        no_alerts: "没有气象预警。", "No weather alerts.";
        export_roster: "排班表", "Roster";
        export_log: "值班日志", "Shift logs";
    }
}
