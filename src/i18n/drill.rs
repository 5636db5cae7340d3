//! The drills module's strings (应急演练). Field labels come from the core's
//! field specs; kind, status and milestone names from `anyuan_core::drill`.

strings! {
    /// The drills module's strings.
    DrillStrings, ZH, EN {
        nav: "演练", "Drills";
        title: "应急演练", "Drills";
        new: "新建演练计划", "Plan a drill";
        edit: "修改演练计划", "Edit drill plan";
        empty: "没有符合条件的演练。", "No drills match.";
        filter_all: "全部", "All";
        filter_kind: "类型", "Type";
        filter_status: "状态", "Status";
        filter_term: "学期", "Term";
        upcoming: "近期安排（30天内）", "Coming up (30 days)";
        no_upcoming: "30天内没有计划的演练。", "No drills planned in the next 30 days.";
        all_drills: "演练记录", "All drills";
        compliance: "本学期演练要求", "Required drills this term";
        requirements_table: "每学期演练要求", "Drills required per term";
        arrivals_table: "各班到达情况", "Arrivals by class";
        col_kind: "演练类型", "Drill type";
        col_required: "要求", "Required";
        col_done: "已完成", "Done";
        col_upcoming: "已安排", "Scheduled";
        col_due: "截止", "Due";
        col_standing: "状态", "Standing";
        edit_requirements: "修改演练要求", "Edit requirements";
        requirements_hint: "每学期要求的次数和最迟完成周次（第1周从学期第一天开始）。次数为0表示不要求。", "Drills required per term and the week of term they are due by (week 1 starts on the term's first day). 0 means not required.";
        per_term: "每学期次数", "Per term";
        due_week: "最迟第几周", "Due by week";
        classes_pick: "参加班级", "Classes taking part";
        classes_none: "本单位还没有班级。可先在“班级”中添加。", "This unit has no classes yet. Add them under Classes first.";
        all_classes: "全选", "Select all";
        start: "开始演练", "Start drill";
        resume: "继续计时", "Resume stopwatch";
        open: "查看", "Open";
        banner: "演练 DRILL · 非真实警报", "DRILL · not a real emergency";
        alarm: "警报响起 · 开始计时", "Alarm · start timing";
        alarm_hint: "警报响起时按下，计时从此刻开始。锁屏、刷新或关闭应用都不会丢失。", "Press when the alarm sounds; timing starts now. Locking the screen, reloading or closing the app loses nothing.";
        join: "按另一台设备的警报时间加入计时", "Join, timing from the other phone's alarm";
        join_hint: "另一台设备已开始本次演练。若您也听到了警报，请直接按上面的按钮。", "Another phone started this drill. If you heard the alarm too, press the button above instead.";
        elapsed: "已用时", "Elapsed";
        milestones: "关键节点", "Milestones";
        arrivals: "班级到达（点按即记录）", "Class arrivals (tap to record)";
        not_arrived: "未到", "Not arrived";
        still_missing: "尚未到达", "Still missing";
        all_arrived: "全部班级已到达", "All classes arrived";
        accountability: "全部清点用时", "Time to full accountability";
        evacuation: "疏散总用时", "Total evacuation time";
        present: "实到", "Present";
        expected: "应到", "Expected";
        missing: "未到", "Missing";
        injured: "受伤", "Injured";
        counts_save: "保存人数", "Save counts";
        counts_fix: "修改人数", "Edit counts";
        recorded_twice: "已被多台设备记录", "Recorded by more than one phone";
        wall_clock_note: "部分时间来自设备时钟，可能不准确。", "Some times come from device clocks and may be off.";
        finish: "结束演练并评估", "Finish and evaluate";
        finish_confirm: "确定结束演练？结束后计时停止。", "Finish the drill? The stopwatch stops.";
        finished: "本次演练已结束。", "This drill has finished.";
        evaluate: "演练评估", "Evaluation";
        evaluate_open: "填写评估", "Evaluate";
        targets: "1-3-5分钟目标", "1-3-5 minute targets";
        target_met: "达标", "Met";
        target_missed: "未达标", "Missed";
        target_none: "未记录", "Not recorded";
        fixes: "整改措施", "Improvements (整改)";
        fixes_none: "还没有整改措施。", "No improvements yet.";
        fix_add: "添加整改措施", "Add improvement";
        fix_done: "已完成", "Done";
        fix_open: "未完成", "Open";
        fix_mark_done: "标记完成", "Mark done";
        cancel_drill: "取消本次演练", "Cancel this drill";
        cancel_confirm: "确定取消本次演练？", "Cancel this drill?";
        alarm_time: "警报时间", "Alarm time";
        not_started: "尚未开始", "Not started";
        today_running: "演练进行中", "Drill running";
        today_upcoming: "计划演练", "Planned drill";
        today_overdue: "演练已逾期", "Drill overdue";
        today_required: "本学期还需完成", "Still required this term";
        today_due_by: "截止", "due";
        missing_plan: "（未填写）", "(not given)";
        step_plan: "计划", "Plan";
        never: "—", "—";
    }
}
