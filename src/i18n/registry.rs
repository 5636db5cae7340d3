//! The generic record pages' strings (台帐). Each registry's title, fields,
//! choices and workflow buttons come from its declaration in
//! `anyuan_core::registry::kinds`, not from here.

strings! {
    /// The registries' strings.
    RegistryStrings, ZH, EN {
        nav: "台帐", "Registries";
        index_title: "台帐与登记", "Registries";
        index_about: "学校须保存的各类台帐：领导小组、应急预案、安全队伍、专项检查、宣传培训和线索举报。", "What a school keeps: leading group, emergency plans, safety team, special checks, training and clue reports.";
        count: "{n}条", "{n} records";
        new: "新增", "Add";
        new_clue: "举报线索", "Report a clue";
        edit: "修改", "Edit";
        search: "搜索", "Search";
        search_hint: "输入关键词", "Type to search";
        filter_all: "全部", "All";
        none: "还没有记录。", "No records yet.";
        none_match: "没有符合条件的记录。", "No records match.";
        none_hint_writer: "点“新增”添加第一条。", "Tap Add to create the first one.";
        none_hint_reader: "学校管理员添加后会显示在这里。", "They appear here once a school administrator adds them.";
        read_only: "您的角色只能查看，不能新增或修改。", "Your role can view these records but not add or change them.";
        own_only: "您只能看到自己提交的记录。", "You see only the records you submitted.";
        unit: "单位", "Unit";
        overdue: "已逾期", "Overdue";
        due_soon: "即将到期", "Due soon";
        due_on: "到期：", "Due: ";
        missing: "缺少", "Missing";
        missing_in: "尚未登记：", "Not yet recorded: ";
        schools_lacking: "尚缺的学校：", "Schools lacking it: ";
        waiting: "待同步", "Waiting to sync";
        concurrent: "另一台设备同时修改过此项", "Edited at the same time on another device";
        concurrent_hint: "另一个值在下方“修改记录”中，可一键恢复。", "The other value is in the history below; one tap restores it.";
        status: "状态", "Status";
        moved: "已更新状态，已保存到本设备。", "Status updated and saved on this device.";
        saved: "已保存到本设备，联网后自动同步。", "Saved on this device; it syncs when a network is there.";
        tracking: "受理编号", "Tracking number";
        tracking_note: "请记下受理编号，凭它查询办理情况。", "Keep the tracking number to follow up on your report.";
        children_add: "新增", "Add";
        children_none: "还没有记录。", "No entries yet.";
        delete: "删除", "Delete";
        delete_confirm: "确认删除", "Confirm delete";
        deleted: "已删除。", "Deleted.";
        not_found: "找不到这条记录：它可能已被删除，或您无权查看。", "This record was not found: it may have been deleted, or you may not see it.";
        back: "返回列表", "Back to the list";
        history: "修改记录", "History";
        history_show: "查看修改记录", "Show history";
        history_loading: "正在读取修改记录…", "Loading the history…";
        history_offline: "修改记录需要联网查看。以下是本设备上的最新版本和尚未同步的更改。", "The full history needs a network. Below: the latest version on this device and the changes not yet synced.";
        history_failed: "未能读取修改记录，请稍后重试。", "Could not load the history; please try again later.";
        history_by: "修改人", "By";
        history_unknown: "（已隐去）", "(hidden)";
        history_device: "设备", "Device";
        history_device_time: "设备时间", "Device time";
        history_server_time: "服务器收到", "Server received";
        history_lost: "同时修改，未生效", "Concurrent edit, not applied";
        history_restore: "恢复此值", "Restore this value";
        history_restamped: "设备时钟超前，已按服务器时间记录", "The device clock was ahead; recorded with the server's time";
        history_pending: "本设备待同步", "Waiting on this device";
        history_last_change: "最后修改", "Last changed";
        empty_value: "（空）", "(empty)";
        not_allowed: "您的角色不能新增或修改这类记录。", "Your role may not add or change these records.";
        parent_missing: "请从上级记录页面新增。", "Add this from its parent record's page.";
    }
}
