//! The safety lessons' strings (公共安全教育 / 安全教育课). Field labels come
//! from the core's field specs; themes, course types, forms and what is
//! missing from `anyuan_core::lesson`.

strings! {
    /// The safety lessons' strings.
    LessonStrings, ZH, EN {
        nav: "安全课", "Lessons";
        title: "安全教育课", "Safety lessons";
        new: "记一节课", "Log a lesson";
        edit: "修改课程记录", "Edit lesson";
        class: "班级", "Class";
        class_pick: "请选择班级", "Choose a class";
        class_required: "请选择班级。", "Choose a class.";
        classes_none: "本单位还没有班级。可先在“班级”中添加。", "This unit has no classes yet. Add them under Classes first.";
        theme_pick: "请选择主题", "Choose a theme";
        theme_own: "其他主题（自填）", "Another theme (type it)";
        theme_own_label: "主题名称", "Theme name";
        prefill_note: "已按本学期计划和您上一节课预填，核对后保存即可。", "Prefilled from this term's plan and your last lesson: check and save.";
        missing_title: "还缺什么", "What is missing";
        missing_none: "本学期四落实没有缺项。", "Nothing is missing from this term's four in place.";
        fix_log: "记一节课", "Log a lesson";
        fix_edit: "补填", "Fill in";
        due_title: "待上课时", "Hours due";
        due_none: "本学期计划中没有待上的课时。", "No planned hours are due from you this term.";
        due_hours: "还差{n}课时", "{n} hours to go";
        mine_title: "我上过的课", "Lessons I gave";
        mine_none: "本学期还没有记录课程。", "No lessons logged this term yet.";
        all_title: "课程记录", "Lessons";
        none: "本学期还没有课程记录。", "No lessons logged this term yet.";
        four_title: "四落实", "Four in place";
        four_hint: "教师、课时、教案、教材", "Teacher, class hours, lesson plan, teaching material";
        col_class: "班级", "Class";
        col_teacher: "教师落实", "Teacher assigned";
        col_hours: "课时（已上/计划）", "Hours (delivered / planned)";
        col_plan: "有教案", "With lesson plan";
        col_material: "有教材", "With material";
        col_gaps: "缺项", "Gaps";
        col_theme: "主题", "Theme";
        col_date: "日期", "Date";
        col_periods: "课时", "Periods";
        col_present: "出勤（到课/班级人数）", "Present (students / class size)";
        present: "出勤", "present";
        col_status: "教案 / 教材", "Plan / material";
        themes_show: "各主题课时", "Hours per theme";
        yes: "是", "Yes";
        no: "否", "No";
        no_plan_yet: "无计划", "No plan";
        share_none: "—", "—";
        sort: "排序", "Sort";
        sort_class: "按班级", "By class";
        sort_gaps: "缺项多的在前", "Most gaps first";
        school_summary: "全校", "Whole school";
        summary_teacher: "教师落实的班级", "Classes with a teacher assigned";
        summary_hours: "课时", "Hours";
        summary_plan: "有教案的课", "Lessons with a lesson plan";
        summary_material: "填写教材的课", "Lessons with material named";
        has_plan: "有教案", "Plan";
        no_plan: "缺教案", "No plan";
        has_material: "有教材", "Material";
        no_material: "缺教材", "No material";
        export_title: "导出", "Export";
        export_lessons: "课程记录", "Lessons";
        export_four: "四落实情况", "Four in place";
        today_due: "本学期待上的安全课", "Safety lessons due this term";
        today_log: "记一节课", "Log a lesson";
        plan_title: "安全教育学期计划", "Safety-education term plan";
        plan_open: "学期计划", "Term plan";
        plan_admin_only: "学期计划由学校管理员制定。", "The school admin sets the term plan.";
        plan_term: "学期", "Term";
        plan_themes: "计划主题", "Planned themes";
        plan_empty: "这个班级本学期还没有计划。可添加主题，或从上学期、其他班级复制。", "No plan for this class and term yet. Add themes, or copy from last term or another class.";
        plan_hours: "计划课时", "Planned hours";
        plan_teacher: "任课教师", "Teacher";
        plan_no_teacher: "未指定", "Not assigned";
        plan_remove: "删除", "Remove";
        plan_add: "添加主题", "Add theme";
        plan_copy: "复制计划", "Copy a plan";
        plan_copy_last: "复制本班上学期计划", "Copy this class's plan from last term";
        plan_copy_from: "从其他班级复制…", "Copy from another class…";
        plan_copy_do: "复制", "Copy";
        plan_copy_none: "没有可复制的主题（已有或来源为空）。", "Nothing to copy (the themes are there already, or the source is empty).";
        plan_copied: "已复制{n}个主题。", "Copied {n} themes.";
    }
}
