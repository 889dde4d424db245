//! The brandrail governance tour: a whole company's first day on an embedded
//! SQLite file, printed step by step.
//!
//! ```text
//! cargo run -p brandrail-examples --bin tour -- [FILE]   (default: tour.sqlite)
//! ```
//!
//! The file is created afresh on each run (an existing tour file is replaced).

use std::path::PathBuf;
use std::process::ExitCode;

use brandrail::content::{
    AssetKind, AssetSource, Confidentiality, ContentDraft, ContentKind, NewAsset, NewContent,
    NewTheme, NewVariant, UgcAuthorization, VariantKind, VersionDetails,
};
use brandrail::crm::{
    ConsentChange, CustomerRecord, Identity, IdentityKind, InteractionKind, NewInteraction,
    NewMention, NewTicket, Rule, SegmentDef, TicketCategory,
};
use brandrail::{
    Attachment, AuditQuery, Department, Engine, EngineOptions, Error, NewMediaAccount,
    NewPrincipal, Outcome, Permission, Platform, Subject, SubjectKind,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// A demonstration key. A real host keeps its key in a keychain or KMS.
const DEMO_KEY: [u8; 32] = *b"brandrail-tour-demo-key-32-bytes";

fn step(title: &str) {
    println!("\n== {title}");
}

/// `hour`:00 in Shanghai (UTC+8, no daylight saving) on `date`, as an instant.
fn shanghai(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc() - Duration::hours(8)
}

fn refused(what: &str, err: &Error) {
    println!("   refused ({}): {what}\n     -> {err}", err.code());
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tour failed: [{}] {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

fn run() -> brandrail::Result<()> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tour.sqlite".into()),
    );
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    println!("brandrail governance tour on {}", path.display());
    let engine = Engine::open(&path, EngineOptions::new().secret_key(DEMO_KEY))?;

    step("1. The company opens its books: IT bootstraps the first account");
    let admin = engine.bootstrap(NewPrincipal::new("wang.qiang", "王强", Department::It))?;
    println!(
        "   {} ({}) holds {:?}",
        admin.handle, admin.department, admin.roles
    );

    step("2. HR hands IT the roster; IT creates every account in one batch");
    let roster = [
        ("li.na", "李娜", Department::Marketing),
        ("chen.jie", "陈杰", Department::Brand),
        ("sun.li", "孙丽", Department::Legal),
        ("zhou.fan", "周帆", Department::Finance),
        ("wu.hao", "吴昊", Department::CustomerService),
        ("he.yun", "何云", Department::Pr),
        ("zhao.min", "赵敏", Department::Executive),
        ("ma.lin", "马林", Department::Sales),
    ];
    let batch: Vec<_> = roster
        .iter()
        .map(|(h, n, d)| NewPrincipal::new(*h, *n, *d))
        .collect();
    for p in engine.create_principals("wang.qiang", &batch)? {
        println!(
            "   + {:<9} {:<17} roles {:?}",
            p.handle,
            p.department.as_str(),
            p.roles
        );
    }
    engine.grant_role("wang.qiang", "zhao.min", "supervisor")?;
    println!("   zhao.min also joins the supervision group (role supervisor)");

    step("3. The default policy pack is in force");
    let policy = engine.policy()?;
    println!(
        "   time zone {}, budget split fixed {:.0}% / variable {:.0}%, contingency {:.0}% a quarter",
        policy.meta.time_zone,
        policy.budget.split.fixed * 100.0,
        policy.budget.split.variable * 100.0,
        policy.budget.quarterly_contingency * 100.0
    );
    println!(
        "   service first response <= {} min, crisis first response <= {} h, zombie accounts after {} months",
        policy.crm.service.first_response_minutes,
        policy.crm.crisis.first_response_hours,
        policy.access.zombie_after_months
    );

    step("4. The executive tightens the backup schedule (a new, audited policy version)");
    let tighter = policy.overlay_toml("[audit]\nbackup_interval_hours = 12\n")?;
    let v = engine.replace_policy("zhao.min", &tighter)?;
    println!(
        "   policy version {} by {:?}, digest {}…",
        v.version,
        v.installed_by.unwrap_or_default(),
        &v.digest[..16]
    );
    match policy.overlay_toml("[budget.split]\nfixed = 1.4\n") {
        Err(e) => refused("a draft with fixed = 1.4", &e),
        Ok(_) => unreachable!("1.4 is never a share"),
    }

    step("5. Brand registers the managed media accounts (credentials encrypted at rest)");
    let accounts = [
        (
            "wechat-main",
            Platform::WechatOfficialAccount,
            "品牌服务号",
            Department::Brand,
            "chen.jie",
            Some("wx-app-secret-demo"),
        ),
        (
            "douyin-main",
            Platform::Douyin,
            "品牌抖音号",
            Department::Marketing,
            "li.na",
            None,
        ),
        (
            "xhs-main",
            Platform::Xiaohongshu,
            "品牌小红书",
            Department::Marketing,
            "li.na",
            None,
        ),
        (
            "weibo-2019",
            Platform::Weibo,
            "旧活动微博",
            Department::Pr,
            "he.yun",
            None,
        ),
    ];
    for (id, platform, name, owner, custodian, secret) in accounts {
        let a = engine.register_media_account(
            "chen.jie",
            NewMediaAccount {
                id: id.into(),
                platform,
                display_name: name.into(),
                owner_department: owner,
                custodian: custodian.into(),
                credential: secret.map(Into::into),
            },
        )?;
        println!(
            "   + {:<12} {:<24} custodian {:<9} credential stored: {}",
            a.id,
            a.platform.as_str(),
            a.custodian,
            a.has_credential
        );
    }
    let now = engine.now();
    engine.record_media_interactions(
        "li.na",
        &[
            ("douyin-main".into(), now - Duration::hours(3)),
            ("xhs-main".into(), now - Duration::days(2)),
            ("wechat-main".into(), now - Duration::days(1)),
            ("weibo-2019".into(), now - Duration::days(400)),
        ],
    )?;
    println!("   interactions recorded; the credential is revealed only to IT, and audited:");
    println!(
        "   wang.qiang sees {} characters",
        engine
            .reveal_media_credential("wang.qiang", "wechat-main")?
            .len()
    );
    if let Err(e) = engine.reveal_media_credential("li.na", "wechat-main") {
        refused("li.na asks for the WeChat secret", &e);
    }

    step("6. Zombie report (no interaction for 6 months)");
    for z in engine.zombie_media_accounts(Utc::now())? {
        println!(
            "   ! {} idle {} days (custodian {}) -> clean up",
            z.account.id, z.idle_days, z.account.custodian
        );
    }

    step("7. Li Na leaves the company: deactivated at once");
    let d = engine.deactivate_principal("wang.qiang", "li.na")?;
    println!(
        "   li.na active = {}; media accounts needing a new custodian: {:?}",
        d.principal.active, d.custodian_of
    );
    for id in &d.custodian_of {
        engine.reassign_media_account("wang.qiang", id, "chen.jie")?;
    }
    println!("   reassigned to chen.jie");

    step("8. Refused actions change nothing and are recorded");
    if let Err(e) = engine.record_media_interaction("li.na", "douyin-main", engine.now()) {
        refused("the leaver tries to post", &e);
    }
    if let Err(e) = engine.create_principal(
        "ma.lin",
        NewPrincipal::new("friend.of.ma", "朋友", Department::Sales),
    ) {
        refused("sales creates an account for a friend", &e);
    }
    if let Err(e) = engine.create_principal(
        "wang.qiang",
        NewPrincipal::new("x'); DROP TABLE principal;--", "X", Department::Sales),
    ) {
        refused("a hostile handle", &e);
    }
    println!(
        "   ma.lin may create accounts: {}",
        engine.can("ma.lin", Permission::PrincipalManage)?
    );

    step("9. An expense claim passes all four approval stages; a self-approval is refused");
    // The marketing department needs a head (a supervisor of marketing) and
    // finance a second person: the one who checks may not also pay (APR-3).
    engine.create_principals(
        "wang.qiang",
        &[
            NewPrincipal::new("gu.yan", "顾岩", Department::Marketing)
                .with_roles(["marketing_staff", "supervisor"]),
            NewPrincipal::new("qian.hui", "钱慧", Department::Finance),
            NewPrincipal::new("xu.ke", "许可", Department::Marketing),
        ],
    )?;
    let claim = Subject::new(SubjectKind::ExpenseClaim, "claim-2026-031", "上海展会差旅")
        .with_attribute("amount", "1280.50")
        .with_attachment(Attachment {
            kind: "invoice".into(),
            name: "发票-0001.pdf".into(),
            sha256: "9f2c".repeat(16),
            amount: Some("1280.50".parse().expect("a decimal literal")),
        });
    let c = engine.submit_approval("xu.ke", "expense_reimbursement", claim)?;
    println!(
        "   claim #{} submitted by xu.ke, stage {:?}",
        c.id,
        c.current_stage.as_deref().unwrap_or("-")
    );
    let checklist = ["authenticity", "legality", "completeness"].map(String::from);
    for (who, comment, items) in [
        ("gu.yan", "属实 (department head)", &[][..]),
        ("zhou.fan", "发票已验真 (finance check)", &checklist[..]),
        ("zhao.min", "同意 (executive)", &[][..]),
    ] {
        let c = engine.approve(who, c.id, comment, items)?;
        println!(
            "   {who:<9} approves -> next stage {:?}",
            c.current_stage.as_deref().unwrap_or("-")
        );
    }
    if let Err(e) = engine.approve("zhou.fan", c.id, "also pay it", &[]) {
        refused("the finance checker tries to pay as well", &e);
    }
    let c = engine.approve("qian.hui", c.id, "已付款 (payment)", &[])?;
    println!("   qian.hui  approves -> claim #{} is {}", c.id, c.state);
    let own = engine.submit_approval(
        "chen.jie",
        "content_review",
        Subject::new(SubjectKind::ContentVersion, "brand-story/v1", "品牌故事")
            .with_attribute("is_ad", "true"),
    )?;
    if let Err(e) = engine.approve("chen.jie", own.id, "looks great to me", &[]) {
        refused("chen.jie approves his own content", &e);
    }
    println!(
        "   chen.jie's open review tasks: {} (his own piece waits for another brand reviewer)",
        engine.approval_tasks("chen.jie")?.len()
    );
    let history: Vec<String> = engine
        .approval_history(c.id)?
        .iter()
        .map(|e| format!("{} by {}", e.kind, e.principal))
        .collect();
    println!("   claim #{} history: {}", c.id, history.join(", "));

    step(
        "10. An ad is flagged, fixed, checked, reviewed by brand and legal, approved and scheduled",
    );
    let photo = engine.add_asset(
        "chen.jie",
        NewAsset {
            kind: AssetKind::Image,
            name: "羊绒围巾主图".into(),
            uri: "oss://brand/scarf-2026.png".into(),
            source: AssetSource::Internal,
            label: Confidentiality::Public,
            authorization: None,
            readers: vec![],
        },
    )?;
    println!(
        "   asset #{} '{}' ({}) is in the library",
        photo.id, photo.name, photo.label
    );
    let ad = engine.plan_content(
        "xu.ke",
        NewContent {
            is_ad: true,
            ..NewContent::new(ContentKind::AdCreative, "双十一 羊绒围巾", "douyin")
        },
    )?;
    let draft = "全网最佳的羊绒围巾，国家级工艺！咨询 13800138000";
    engine.edit_content("xu.ke", ad.id, "双十一 羊绒围巾", draft)?;
    let report = engine.prepublish_check(ad.id)?;
    for f in &report.body_findings {
        println!(
            "   ! {:<10} {:<14} \"{}\" at {}..{} -> {}",
            f.rule_id, f.category, f.matched, f.start, f.end, f.suggestion
        );
    }
    for i in &report.issues {
        println!("   ! {:<10} {:<14} {}", i.rule, i.check, i.message);
    }
    if let Err(e) = engine.submit_content("xu.ke", ad.id) {
        refused("the draft goes to review", &e);
    }
    let fixed =
        "【广告】优质羊绒围巾，工艺考究。详见 https://shop.example.com/scarf 咨询 138****8000";
    engine.edit_content_with(
        "xu.ke",
        ad.id,
        &ContentDraft {
            title: "双十一 羊绒围巾".into(),
            body: fixed.into(),
            details: VersionDetails {
                assets: vec![photo.id],
                ..VersionDetails::default()
            },
        },
    )?;
    let report = engine.prepublish_check(ad.id)?;
    println!(
        "   version {}: checklist passed = {}, {} issues, {} findings",
        report.version,
        report.passed,
        report.issues.len(),
        report.body_findings.len()
    );
    let item = engine.submit_content("xu.ke", ad.id)?;
    let review = item.approval_id.unwrap_or_default();
    engine.approve("chen.jie", review, "符合品牌规范", &[])?;
    engine.approve("sun.li", review, "无违规用语", &[])?;
    let tomorrow = engine.now().date_naive() + Duration::days(1);
    let at = shanghai(tomorrow, 12);
    let item = engine.schedule_content("xu.ke", ad.id, at)?;
    println!(
        "   content #{} v{} is {} for {}",
        item.id,
        item.version,
        item.state,
        at.format("%Y-%m-%d %H:%M UTC")
    );

    step(
        "11. Douyin's cadence: UGC with authorization, two videos a day, a third refused, the week's plan",
    );
    let ugc = |authorization: Option<UgcAuthorization>| NewAsset {
        kind: AssetKind::Video,
        name: "用户开箱视频".into(),
        uri: "oss://ugc/unboxing-118.mp4".into(),
        source: AssetSource::Ugc,
        label: Confidentiality::Public,
        authorization,
        readers: vec![],
    };
    if let Err(e) = engine.add_asset("chen.jie", ugc(None)) {
        refused("a user's video without a signed authorization", &e);
    }
    let clip = engine.add_asset(
        "chen.jie",
        ugc(Some(UgcAuthorization {
            granted_by: "抖音用户 @mia".into(),
            reference: "UGC-AUTH-2026-118".into(),
            signed_at: engine.now() - Duration::days(2),
            expires_at: Some(engine.now() + Duration::days(365)),
            scope: "douyin, xiaohongshu; 12 months".into(),
        })),
    )?;
    let mut videos = Vec::new();
    for (title, secs, assets) in [
        ("用户开箱：羊绒围巾", 28, vec![clip.id]),
        ("工厂探访：一条围巾的 72 小时", 55, vec![]),
        ("围巾的三种系法", 40, vec![]),
    ] {
        let v = engine.plan_content(
            "xu.ke",
            NewContent {
                ugc: !assets.is_empty(),
                ..NewContent::new(ContentKind::ShortVideo, title, "douyin")
            },
        )?;
        engine.edit_content_with(
            "xu.ke",
            v.id,
            &ContentDraft {
                title: title.into(),
                body: "脚本：开场、细节特写、结尾口播。".into(),
                details: VersionDetails {
                    duration_seconds: Some(secs),
                    assets,
                    ..VersionDetails::default()
                },
            },
        )?;
        let v = engine.submit_content("xu.ke", v.id)?;
        engine.approve("chen.jie", v.approval_id.unwrap_or_default(), "通过", &[])?;
        videos.push(v.id);
    }
    engine.schedule_content("xu.ke", videos[0], shanghai(tomorrow, 12))?;
    engine.schedule_content("xu.ke", videos[1], shanghai(tomorrow, 18))?;
    if let Err(e) = engine.schedule_content("xu.ke", videos[2], shanghai(tomorrow, 20)) {
        refused("a third Douyin video on one day", &e);
    }
    engine.schedule_content(
        "xu.ke",
        videos[2],
        shanghai(tomorrow + Duration::days(1), 12),
    )?;
    let plan = engine.week_plan(tomorrow)?;
    println!("   week {} .. {} ({}):", plan.from, plan.to, plan.time_zone);
    for e in &plan.entries {
        println!(
            "   {} {} {:<8} {:<12} #{} {}",
            e.local_date, e.local_time, e.channel, e.kind, e.item_id, e.title
        );
    }
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for i in &plan.issues {
        match kinds.iter_mut().find(|(k, _)| *k == i.kind.as_str()) {
            Some((_, n)) => *n += 1,
            None => kinds.push((i.kind.as_str(), 1)),
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} x{n}")).collect();
    println!("   plan issues: {}", kinds.join(", "));

    step("12. A theme for the next hot date, A/B titles, a derivative for Xiaohongshu");
    let quarter = engine.quarter_plan(tomorrow.year(), tomorrow.month0() / 3 + 1)?;
    if let Some(hot) = quarter.hot_dates.iter().find(|h| h.date >= tomorrow) {
        let theme = engine.add_theme(
            "xu.ke",
            NewTheme {
                name: format!("{} 年终好物", hot.name),
                starts: hot.date - Duration::days(10),
                ends: hot.date,
                hot_date: Some(hot.name.clone()),
                description: "围巾与羊绒礼盒".into(),
            },
        )?;
        println!(
            "   theme #{} '{}' {} .. {} around {} ({})",
            theme.id, theme.name, theme.starts, theme.ends, hot.name, hot.date
        );
    }
    for title in [
        "3 个理由选羊绒围巾",
        "为什么羊绒围巾更暖？",
        "全网最好的围巾",
    ] {
        let variant = NewVariant {
            kind: VariantKind::Title,
            text: title.into(),
            style: None,
        };
        match engine.add_variant("xu.ke", videos[2], variant) {
            Ok(v) => println!("   title variant {} ({}): {}", v.label, v.style, v.text),
            Err(e) => refused(&format!("title variant '{title}'"), &e),
        }
    }
    let note = engine.derive_content(
        "xu.ke",
        videos[1],
        NewContent {
            format: Some("koc".into()),
            ..NewContent::new(ContentKind::ImagePost, "工厂探访 图文版", "xiaohongshu")
        },
    )?;
    println!(
        "   content #{} for {} derives from #{} ({})",
        note.id,
        note.channel,
        note.source_id.unwrap_or_default(),
        note.state
    );

    step("13. Customers: two departments, one person merged, masked and clear reads, consent");
    engine.grant_role("wang.qiang", "wu.hao", "data_steward")?;
    let rec = |ids: &[(IdentityKind, &str)]| CustomerRecord {
        identities: ids.iter().map(|(k, v)| Identity::new(*k, *v)).collect(),
        ..CustomerRecord::default()
    };
    let mut first = rec(&[(IdentityKind::Phone, "138 0013 8000")]);
    first.name = Some("王芳".into());
    first.profile.insert("region".into(), "上海".into());
    let mut refused_id = rec(&[(IdentityKind::Email, "zhang.wei@example.com")]);
    refused_id
        .profile
        .insert("national_id".into(), "11010519491231002X".into());
    let r = engine.ingest_customers(
        "xu.ke",
        &[
            first,
            rec(&[(IdentityKind::Email, "Wang.Fang@Example.com")]),
            rec(&[(IdentityKind::Phone, "12345")]),
            refused_id,
        ],
    )?;
    println!(
        "   marketing: {} rows, {} new customers, {} refused:",
        r.rows,
        r.created,
        r.errors.len()
    );
    for e in &r.errors {
        println!("     row {} {} ({}): {}", e.row, e.field, e.code, e.message);
    }
    let r = engine.ingest_customers(
        "ma.lin",
        &[rec(&[
            (IdentityKind::Phone, "+86 138-0013-8000"),
            (IdentityKind::Email, "wang.fang@example.com"),
            (IdentityKind::MemberId, "vip-2026-001"),
        ])],
    )?;
    let id = r.customer_ids[0].unwrap_or_default();
    println!(
        "   sales: one record holding both identities merged {} customer into #{id}; customers now: {}",
        r.merged,
        engine.customer_count()?
    );
    let show = |c: &brandrail::crm::Customer| {
        c.identities
            .iter()
            .map(|i| format!("{}={}", i.kind, i.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let masked = engine.customer("xu.ke", id)?;
    println!("   marketing reads: {} (masked)", show(&masked));
    let clear = engine.customer("wu.hao", id)?;
    println!(
        "   the data steward reads: {}, {} (audited)",
        clear.name.as_deref().unwrap_or("-"),
        show(&clear)
    );
    if let Err(e) = engine.record_send("xu.ke", id, "sms", "marketing") {
        refused("an SMS without consent", &e);
    }
    engine.record_consent(
        "wu.hao",
        id,
        &ConsentChange {
            channel: "sms".into(),
            purpose: "marketing".into(),
            granted: true,
            evidence: "会员注册页勾选 v3".into(),
        },
    )?;
    engine.record_send("xu.ke", id, "sms", "marketing")?;
    println!("   with consent recorded, the SMS is sent and logged");
    // A customer with behaviour, for the segments below (erased at the end).
    let buyer = engine.ingest_customers(
        "xu.ke",
        &[{
            let mut r = rec(&[(IdentityKind::Phone, "139 0013 9000")]);
            r.profile.insert("region".into(), "上海".into());
            r.profile.insert("age_band".into(), "25-34".into());
            r
        }],
    )?;
    let buyer = buyer.customer_ids[0].unwrap_or_default();
    let at = |days: i64| engine.now() - Duration::days(days);
    let event = |customer_id: i64,
                 kind: InteractionKind,
                 page: Option<&str>,
                 amount: Option<&str>,
                 days: i64| {
        NewInteraction {
            customer_id,
            kind,
            at: at(days),
            page: page.map(Into::into),
            amount: amount.map(Into::into),
            channel: Some("wechat_mini_program".into()),
        }
    };
    engine.record_interactions(
        "xu.ke",
        &[
            event(id, InteractionKind::View, Some("home"), None, 3),
            event(id, InteractionKind::Purchase, None, Some("299.00"), 20),
            event(buyer, InteractionKind::View, Some("/product/88"), None, 2),
            event(buyer, InteractionKind::Purchase, None, Some("459.00"), 10),
            event(buyer, InteractionKind::Purchase, None, Some("129.50"), 40),
            event(buyer, InteractionKind::CommunityJoin, None, None, 30),
        ],
    )?;

    step("14. Segments: a rule stored as data, the personas, stages and tiers from behaviour");
    let rule = Rule::from_json(
        r#"{"all": [
            {"field": {"name": "region", "op": "eq", "value": "上海"}},
            {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
            {"any": [{"stage": ["decision", "loyalty"]}, {"tier": ["vip"]}]}
        ]}"#,
    )?;
    let seg = engine.define_segment(
        "xu.ke",
        &SegmentDef {
            name: "sh-repeat".into(),
            label: "上海复购客户".into(),
            description: "Shanghai customers with two purchases in 90 days".into(),
            rule,
        },
    )?;
    println!(
        "   custom segment '{}': {} member(s)",
        seg.name, seg.members
    );
    for s in engine.segments("xu.ke")? {
        println!(
            "   {:<8} {:<20} {:>2} member(s)  {}",
            s.origin, s.name, s.members, s.label
        );
    }
    let standing = engine.customer_standing("xu.ke", buyer)?;
    println!(
        "   customer #{buyer}: stage {} (purchases in {} days: {}), community tier {}",
        standing.stage,
        standing.window_days,
        standing.purchases_in_window,
        standing.tier.map_or("-".into(), |t| t.to_string())
    );
    if let Err(e) = engine.define_segment(
        "ma.lin",
        &SegmentDef {
            name: "mine".into(),
            label: "x".into(),
            description: "x".into(),
            rule: Rule::from_json(r#"{"all": []}"#)?,
        },
    ) {
        refused("sales defining a segment", &e);
    }
    let v = engine.customer_value("xu.ke", at(365), engine.now(), Some("1200"))?;
    println!(
        "   value over the year: {} buyers, revenue {}, AOV {}, repurchase rate {:.0}%, LTV {}, CAC {}",
        v.buyers,
        v.revenue,
        v.average_order_value,
        v.repurchase_rate * 100.0,
        v.ltv,
        v.cac.map_or("-".into(), |c| c.to_string())
    );

    step("15. Service and public opinion: an auto-answer, a routed complaint, an alert, a crisis");
    let q = engine.open_ticket(
        "wu.hao",
        &NewTicket {
            customer_id: Some(buyer),
            channel: "wechat".into(),
            category: TicketCategory::Question,
            subject: "发货".into(),
            body: "請問什麼時候發貨？".into(),
        },
    )?;
    println!(
        "   ticket #{} answered at once by {} (within 10 min: {})",
        q.id,
        q.responses.first().map_or("-", |r| r.by.as_str()),
        q.within_sla == Some(true)
    );
    let c = engine.open_ticket(
        "wu.hao",
        &NewTicket {
            customer_id: Some(buyer),
            channel: "phone".into(),
            category: TicketCategory::Complaint,
            subject: "投诉".into(),
            body: "多扣款了，要求退款".into(),
        },
    )?;
    println!(
        "   complaint #{} routed to {}, first response due {}",
        c.id,
        c.department,
        c.first_response_due.format("%H:%M UTC")
    );
    engine.respond_ticket("wu.hao", c.id, "已核实，差额将原路退回")?;
    engine.rate_ticket("wu.hao", c.id, 5)?;
    let m = engine.record_mentions(
        "he.yun",
        &[NewMention {
            platform: "weibo".into(),
            author: "某博主".into(),
            text: "用了过敏烂脸，准备曝光维权，大家别买".into(),
            at: engine.now() - Duration::hours(1),
            url: None,
            reach: Some(120_000),
        }],
    )?;
    for a in &m.alerts {
        println!(
            "   mention -> {} alert on {} ({}), escalated to supervisors: {}",
            a.severity,
            a.platform,
            a.keywords.join(", "),
            a.escalated
        );
    }
    for crisis in engine.crises("he.yun", false)? {
        println!(
            "   crisis #{} {}: {} leads, {} reviews, first response due {}",
            crisis.id,
            crisis.kind,
            crisis.lead_department,
            crisis.review_department,
            crisis.first_response_due.format("%H:%M UTC")
        );
        if let Err(e) = engine.respond_crisis("he.yun", crisis.id, "我们的产品是全网最安全的")
        {
            refused("a crisis statement with an Advertising-Law term", &e);
        }
        let done = engine.respond_crisis("he.yun", crisis.id, &crisis.template)?;
        println!(
            "   responded with the template, in time: {:?}",
            done.within_deadline
        );
    }
    let report = engine.service_report("zhao.min", at(1), engine.now() + Duration::days(1))?;
    println!(
        "   service today: {} tickets, {} auto-answered, within the deadline {:.0}%, satisfaction {} (target {})",
        report.tickets,
        report.auto_answered,
        report.sla_rate * 100.0,
        report
            .satisfaction_average
            .map_or("-".into(), |a| format!("{a:.1}")),
        report.satisfaction_target
    );

    step("16. The data-subject request: export, then erasure");
    let export = engine.export_customer("wu.hao", id)?;
    let erased = engine.erase_customer("wu.hao", id, "用户申请注销")?;
    println!(
        "   export: {} bytes of JSON; erasure removed customers {:?} ({} rows); phone now finds {:?}",
        export.len(),
        erased.customer_ids,
        erased.rows_removed,
        engine.find_customer("wu.hao", IdentityKind::Phone, "13800138000")?
    );

    step("17. The supervisor reviews the denials in the audit log");
    let denials = engine.audit_query(
        "zhao.min",
        &AuditQuery {
            outcome: Some(Outcome::Denied),
            ..AuditQuery::default()
        },
    )?;
    for r in &denials {
        println!(
            "   #{:<3} {} {:<32} {}",
            r.seq, r.principal, r.action, r.detail
        );
    }

    step("18. Backup, verified");
    let mut backup = path.clone().into_os_string();
    backup.push(".backup");
    let _ = std::fs::remove_file(&backup);
    let b = engine.backup_to("wang.qiang", &backup)?;
    println!(
        "   {} bytes, {} audit records, verified = {}",
        b.bytes, b.records, b.verified
    );
    let status = engine.backup_status(engine.now())?;
    println!(
        "   next backup due {}",
        status.next_due_at.format("%Y-%m-%d %H:%M UTC")
    );

    step("19. The audit chain verifies end to end");
    let v = engine.verify_audit()?;
    println!(
        "   ok = {}, {} records, head #{} {}…",
        v.ok,
        v.records_checked,
        v.head_seq,
        &v.head_hash[..16]
    );

    println!(
        "\nSummary: {} principals ({} active), {} media accounts, policy v{}, {} audit records ({} denied), chain {}.",
        engine.principals()?.len(),
        engine.principals()?.iter().filter(|p| p.active).count(),
        engine.media_accounts()?.len(),
        engine.policy_version()?.version,
        engine.audit_len()?,
        denials.len(),
        if v.ok { "intact" } else { "BROKEN" }
    );
    Ok(())
}
