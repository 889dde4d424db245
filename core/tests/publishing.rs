//! CON-4..CON-8 through the public API: the pre-publish checklist as a report
//! and as the gate of review, scheduling and publication; the asset library
//! with UGC authorization and confidentiality labels; the publishing plan with
//! cadence, caps, slots, backlog and hot dates; themes, A/B variants and
//! derivatives. Bad input is refused with a typed error and changes nothing.

use brandrail::content::{
    AssetFilter, AssetKind, AssetSource, CheckKind, Confidentiality, ContentDraft, ContentKind,
    ContentState, NewAsset, NewContent, NewTheme, NewVariant, PlanIssueKind, UgcAuthorization,
    VariantKind, VariantStyle, VersionDetails,
};
use brandrail::policy::Severity;
use brandrail::{Department, Engine, EngineOptions, NewPrincipal};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

/// Monday 2026-11-02 10:00 in Shanghai.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap()
}

fn company() -> Engine {
    let e = Engine::in_memory_with(EngineOptions::new().manual_clock(start())).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    for (h, d) in [
        ("li.na", Department::Marketing),
        ("chen.jie", Department::Brand),
        ("wu.fan", Department::Brand),
        ("sun.li", Department::Legal),
        ("zhao.min", Department::Executive),
        ("qian.yu", Department::Sales),
    ] {
        e.create_principal("it.admin", NewPrincipal::new(h, h, d))
            .unwrap();
    }
    e
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Local Shanghai time `d hh:mm` as an instant.
fn local(d: &str, hh: u32, mm: u32) -> DateTime<Utc> {
    let d = date(d);
    Utc.from_utc_datetime(&d.and_hms_opt(hh, mm, 0).unwrap()) - Duration::hours(8)
}

fn code<T: std::fmt::Debug>(r: brandrail::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

fn policy(e: &Engine, toml: &str) {
    let next = e.policy().unwrap().overlay_toml(toml).unwrap();
    e.replace_policy("zhao.min", &next).unwrap();
}

fn image(e: &Engine, name: &str, label: Confidentiality) -> i64 {
    e.add_asset(
        "chen.jie",
        NewAsset {
            kind: AssetKind::Image,
            name: name.into(),
            uri: format!("oss://brand/{name}.png"),
            source: AssetSource::Internal,
            label,
            authorization: None,
            readers: vec![],
        },
    )
    .unwrap()
    .id
}

/// An item written, reviewed by brand and approved.
fn approved(e: &Engine, input: NewContent, body: &str, details: VersionDetails) -> i64 {
    let item = e.plan_content("li.na", input).unwrap();
    let title = item.title.clone();
    e.edit_content_with(
        "li.na",
        item.id,
        &ContentDraft {
            title,
            body: body.into(),
            details,
        },
    )
    .unwrap();
    let submitted = e.submit_content("li.na", item.id).unwrap();
    e.approve("chen.jie", submitted.approval_id.unwrap(), "ok", &[])
        .unwrap();
    assert_eq!(
        e.content_item(item.id).unwrap().state,
        ContentState::Approved
    );
    item.id
}

fn video(title: &str, ugc: bool) -> NewContent {
    NewContent {
        ugc,
        ..NewContent::new(ContentKind::ShortVideo, title, "douyin")
    }
}

fn secs(s: u32) -> VersionDetails {
    VersionDetails {
        duration_seconds: Some(s),
        ..VersionDetails::default()
    }
}

// ------------------------------------------------------------------ CON-4

#[test]
fn con4_links_assets_fields_and_ad_label_make_one_report_and_gate_review() {
    let e = company();
    policy(
        &e,
        r#"[content]
allowed_link_domains = ["brand.com"]
required_fields = ["title", "body", "channel", "assets"]
"#,
    );
    let public = image(&e, "scarf", Confidentiality::Public);
    let internal = image(&e, "draft-board", Confidentiality::Internal);
    let retired = image(&e, "old-logo", Confidentiality::Public);
    e.retire_asset("chen.jie", retired).unwrap();

    let ad = e
        .plan_content(
            "li.na",
            NewContent {
                is_ad: true,
                ..NewContent::new(ContentKind::AdCreative, "秋冬新品", "weibo")
            },
        )
        .unwrap();
    let body = "围巾上新，详情见 https://shop.brand.com/a?b=1 与 https://evil.cn/x，\
                旧链接 http://bad_host/ 以及 javascript:alert(1)。";
    e.edit_content_with(
        "li.na",
        ad.id,
        &ContentDraft {
            title: "秋冬新品".into(),
            body: body.into(),
            details: VersionDetails {
                assets: vec![public, internal, retired, 9999],
                ..VersionDetails::default()
            },
        },
    )
    .unwrap();
    let r = e.prepublish_check(ad.id).unwrap();
    assert!(!r.passed);
    let kinds: Vec<CheckKind> = r.issues.iter().map(|i| i.check).collect();
    assert_eq!(
        kinds,
        vec![
            CheckKind::LinkDomain,
            CheckKind::LinkMalformed,
            CheckKind::LinkMalformed,
            CheckKind::AssetConfidential,
            CheckKind::AssetRetired,
            CheckKind::AssetMissing,
            CheckKind::AdLabelMissing,
        ],
        "{:#?}",
        r.issues
    );
    // Offsets are characters of the body and slice the link exactly.
    let chars: Vec<char> = body.chars().collect();
    for i in r
        .issues
        .iter()
        .filter(|i| i.field == "body" && i.start.is_some())
    {
        let s: String = chars[i.start.unwrap()..i.end.unwrap()].iter().collect();
        assert_eq!(Some(s), i.matched, "{i:?}");
    }
    assert_eq!(r.issues[0].matched.as_deref(), Some("https://evil.cn/x"));
    assert!(r.issues.iter().all(|i| i.rule == "CON-4"));

    // The gate: refused, typed, nothing changed.
    let n = e.audit_len().unwrap();
    let err = e.submit_content("li.na", ad.id).unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(err.to_string().contains("CON-4"), "{err}");
    assert!(err.to_string().contains("link_domain"), "{err}");
    assert_eq!(e.audit_len().unwrap(), n);
    assert_eq!(
        e.content_item(ad.id).unwrap().state,
        ContentState::InProduction
    );

    // Fixed: allowed links, a public asset, the ad label.
    e.edit_content_with(
        "li.na",
        ad.id,
        &ContentDraft {
            title: "秋冬新品".into(),
            body: "【广告】围巾上新，详情见 https://shop.brand.com/a?b=1。".into(),
            details: VersionDetails {
                assets: vec![public],
                ..VersionDetails::default()
            },
        },
    )
    .unwrap();
    let r = e.prepublish_check(ad.id).unwrap();
    assert!(r.passed, "{:#?}", r.issues);
    assert!(r.issues.is_empty());
    e.submit_content("li.na", ad.id).unwrap();

    // A required field missing.
    let note = e
        .plan_content(
            "li.na",
            NewContent::new(ContentKind::ImagePost, "上新", "weibo"),
        )
        .unwrap();
    e.edit_content("li.na", note.id, "上新", "秋冬上新。")
        .unwrap();
    let r = e.prepublish_check(note.id).unwrap();
    assert_eq!(r.issues.len(), 1);
    assert_eq!(
        (r.issues[0].check, r.issues[0].field.as_str()),
        (CheckKind::FieldMissing, "assets")
    );
    assert_eq!(code(e.submit_content("li.na", note.id)), "policy_violation");

    // Unknown items and items without a version.
    assert_eq!(code(e.prepublish_check(424242)), "not_found");
    let empty = e
        .plan_content(
            "li.na",
            NewContent::new(ContentKind::Article, "空", "zhihu"),
        )
        .unwrap();
    assert_eq!(code(e.prepublish_check(empty.id)), "conflict");
}

#[test]
fn con4_an_asset_retired_after_approval_stops_publication() {
    let e = company();
    let img = image(&e, "scarf", Confidentiality::Public);
    let id = approved(
        &e,
        NewContent::new(ContentKind::ImagePost, "围巾", "weibo"),
        "秋冬围巾上新。",
        VersionDetails {
            assets: vec![img],
            ..VersionDetails::default()
        },
    );
    e.retire_asset("chen.jie", img).unwrap();
    let err = e.publish_content("chen.jie", id).unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(err.to_string().contains("asset_retired"), "{err}");
    assert_eq!(
        code(e.schedule_content("li.na", id, start() + Duration::days(1))),
        "policy_violation"
    );
    assert_eq!(e.content_item(id).unwrap().state, ContentState::Approved);
}

#[test]
fn con4_issue_offsets_count_characters_and_utf16_units() {
    let e = company();
    policy(&e, "[content]\nallowed_link_domains = [\"brand.com\"]\n");
    let item = e
        .plan_content(
            "li.na",
            NewContent::new(ContentKind::ImagePost, "上新", "weibo"),
        )
        .unwrap();
    // Two emoji (two UTF-16 units each) before the link.
    let body = "🎉🧣 上新 https://evil.cn/a";
    e.edit_content("li.na", item.id, "上新", body).unwrap();
    let r = e.prepublish_check(item.id).unwrap();
    let i = &r.issues[0];
    assert_eq!(i.check, CheckKind::LinkDomain);
    assert_eq!((i.start, i.end), (Some(6), Some(23)));
    assert_eq!((i.utf16_start, i.utf16_end), (Some(8), Some(25)));
    let units: Vec<u16> = body.encode_utf16().collect();
    assert_eq!(
        String::from_utf16(&units[8..25]).unwrap(),
        "https://evil.cn/a"
    );
    let issue_free = e.prepublish_check(item.id).unwrap().issues.len();
    assert_eq!(issue_free, 1);
}

// ------------------------------------------------------------------ CON-5

#[test]
fn con5_brand_spelling_video_length_spacing_and_vi_elements() {
    let e = company();
    policy(
        &e,
        r#"[content]
brand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial", "布兰德瑞"] }]
[content.layout]
approved_fonts = ["思源黑体"]
approved_palettes = ["autumn-2026"]
approved_templates = ["poster-a"]
"#,
    );
    let art = e
        .plan_content(
            "li.na",
            NewContent::new(
                ContentKind::Article,
                "Brandrail 秋冬",
                "wechat_official_account",
            ),
        )
        .unwrap();
    let body = "BrandRail 与 BrandRial 以及 布兰德瑞：BrandRail Pro。";
    e.edit_content_with(
        "li.na",
        art.id,
        &ContentDraft {
            title: "Brandrail 秋冬".into(),
            body: body.into(),
            details: VersionDetails {
                paragraph_spacing: Some(1.2),
                template: Some("poster-z".into()),
                fonts: vec!["思源黑体".into(), "Comic Sans".into()],
                palette: Some("neon".into()),
                ..VersionDetails::default()
            },
        },
    )
    .unwrap();
    let r = e.prepublish_check(art.id).unwrap();
    let got: Vec<(CheckKind, &str, Option<&str>)> = r
        .issues
        .iter()
        .map(|i| (i.check, i.field.as_str(), i.matched.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (CheckKind::BrandSpelling, "title", Some("Brandrail")),
            (CheckKind::BrandSpelling, "body", Some("BrandRial")),
            (CheckKind::BrandSpelling, "body", Some("布兰德瑞")),
            (CheckKind::ParagraphSpacing, "paragraph_spacing", None),
            (CheckKind::Template, "template", None),
            (CheckKind::Font, "fonts", Some("Comic Sans")),
            (CheckKind::Palette, "palette", None),
        ],
        "{:#?}",
        r.issues
    );
    assert!(r.issues.iter().all(|i| i.rule == "CON-5"));
    assert_eq!(r.issues[0].suggestion.as_deref(), Some("BrandRail"));
    assert_eq!((r.issues[1].start, r.issues[1].end), (Some(12), Some(21)));
    assert_eq!(
        (r.issues[1].utf16_start, r.issues[1].utf16_end),
        (Some(12), Some(21))
    );
    let err = e.submit_content("li.na", art.id).unwrap_err();
    assert!(err.to_string().contains("CON-5"), "{err}");

    // A template in the asset library is approved too.
    e.add_asset(
        "chen.jie",
        NewAsset {
            kind: AssetKind::Template,
            name: "poster-z".into(),
            uri: "oss://vi/poster-z.psd".into(),
            source: AssetSource::Internal,
            label: Confidentiality::Public,
            authorization: None,
            readers: vec![],
        },
    )
    .unwrap();
    e.edit_content_with(
        "li.na",
        art.id,
        &ContentDraft {
            title: "BrandRail 秋冬".into(),
            body: "BrandRail 秋冬系列。".into(),
            details: VersionDetails {
                paragraph_spacing: Some(1.5),
                template: Some("poster-z".into()),
                fonts: vec!["思源黑体".into()],
                palette: Some("autumn-2026".into()),
                ..VersionDetails::default()
            },
        },
    )
    .unwrap();
    assert!(e.prepublish_check(art.id).unwrap().passed);

    // An article with no declared spacing gets a warning, not a block.
    e.edit_content("li.na", art.id, "BrandRail 秋冬", "BrandRail。")
        .unwrap();
    let kept = e.content_versions(art.id).unwrap();
    assert_eq!(
        kept.last().unwrap().details.paragraph_spacing,
        Some(1.5),
        "a text edit keeps the details"
    );

    // Short video: 15–60 s, declared.
    let v = e.plan_content("li.na", video("开箱", false)).unwrap();
    for (d, ok) in [
        (None, false),
        (Some(14), false),
        (Some(15), true),
        (Some(60), true),
        (Some(61), false),
    ] {
        e.edit_content_with(
            "li.na",
            v.id,
            &ContentDraft {
                title: "开箱".into(),
                body: "开箱视频脚本。".into(),
                details: VersionDetails {
                    duration_seconds: d,
                    ..VersionDetails::default()
                },
            },
        )
        .unwrap();
        let r = e.prepublish_check(v.id).unwrap();
        assert_eq!(r.passed, ok, "{d:?}: {:#?}", r.issues);
        if !ok {
            assert!(matches!(
                r.issues[0].check,
                CheckKind::VideoLength | CheckKind::FieldMissing
            ));
        }
    }
}

#[test]
fn con4_con5_hostile_and_out_of_range_details_are_refused_unchanged() {
    let e = company();
    let item = e.plan_content("li.na", video("开箱", false)).unwrap();
    let n = e.audit_len().unwrap();
    let bad = [
        VersionDetails {
            duration_seconds: Some(0),
            ..VersionDetails::default()
        },
        VersionDetails {
            duration_seconds: Some(86_401),
            ..VersionDetails::default()
        },
        VersionDetails {
            paragraph_spacing: Some(f64::NAN),
            ..VersionDetails::default()
        },
        VersionDetails {
            paragraph_spacing: Some(-1.5),
            ..VersionDetails::default()
        },
        VersionDetails {
            template: Some("poster\u{0}'; DROP TABLE content_item;--".into()),
            ..VersionDetails::default()
        },
        VersionDetails {
            fonts: vec![String::new()],
            ..VersionDetails::default()
        },
        VersionDetails {
            fonts: vec!["f".into(); 21],
            ..VersionDetails::default()
        },
        VersionDetails {
            assets: vec![1, 1],
            ..VersionDetails::default()
        },
        VersionDetails {
            assets: vec![-3],
            ..VersionDetails::default()
        },
        VersionDetails {
            assets: (1..=501).collect(),
            ..VersionDetails::default()
        },
    ];
    for d in bad {
        let r = e.edit_content_with(
            "li.na",
            item.id,
            &ContentDraft {
                title: "开箱".into(),
                body: "脚本".into(),
                details: d.clone(),
            },
        );
        assert_eq!(code(r), "validation", "{d:?}");
    }
    assert_eq!(e.audit_len().unwrap(), n);
    assert_eq!(e.content_item(item.id).unwrap().version, 0);
    // Bad policy values are refused with their path.
    let p = e.policy().unwrap();
    for (toml, path) in [
        (
            "[content]\nrequired_fields = [\"title\", \"colour\"]",
            "content.required_fields[1]",
        ),
        (
            "[content]\nhot_dates = [{ name = \"x\", kind = \"holiday\", on = \"02-30\" }]",
            "content.hot_dates[0].on",
        ),
        (
            "[content]\nhot_dates = [{ name = \"x\", kind = \"Holiday!\", on = \"02-03\" }]",
            "content.hot_dates[0].kind",
        ),
        (
            "[[content.cadence]]\nchannel = \"douyin\"\nkind = \"reel\"\nperiod = \"day\"\ntarget = 1",
            "content.cadence[0].kind",
        ),
    ] {
        let err = p.overlay_toml(toml).unwrap_err();
        assert!(err.to_string().contains(path), "{toml}: {err}");
    }
}

// ------------------------------------------------------------------ CON-6

#[test]
fn con6_ugc_needs_a_signed_authorization_in_force() {
    let e = company();
    let ugc = |auth: Option<UgcAuthorization>| NewAsset {
        kind: AssetKind::Video,
        name: "用户开箱".into(),
        uri: "oss://ugc/unbox.mp4".into(),
        source: AssetSource::Ugc,
        label: Confidentiality::Public,
        authorization: auth,
        readers: vec![],
    };
    let n = e.audit_len().unwrap();
    let err = e.add_asset("chen.jie", ugc(None)).unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(err.to_string().contains("CON-6"), "{err}");
    let signed = |signed: DateTime<Utc>, expires: Option<DateTime<Utc>>| UgcAuthorization {
        granted_by: "小红薯 @mia".into(),
        reference: "AUTH-2026-118".into(),
        signed_at: signed,
        expires_at: expires,
        scope: "douyin, xiaohongshu; 12 months".into(),
    };
    assert_eq!(
        code(e.add_asset(
            "chen.jie",
            ugc(Some(signed(
                start() - Duration::days(400),
                Some(start() - Duration::days(35))
            )))
        )),
        "policy_violation",
        "expired"
    );
    assert_eq!(
        code(e.add_asset(
            "chen.jie",
            ugc(Some(signed(start() + Duration::days(1), None)))
        )),
        "validation",
        "signed in the future"
    );
    assert_eq!(
        code(e.add_asset(
            "chen.jie",
            ugc(Some(signed(start(), Some(start() - Duration::days(1)))))
        )),
        "validation",
        "expires before it was signed"
    );
    assert_eq!(e.audit_len().unwrap(), n, "refusals change nothing");
    assert!(
        e.assets("chen.jie", &AssetFilter::default())
            .unwrap()
            .is_empty()
    );

    let a = e
        .add_asset(
            "chen.jie",
            ugc(Some(signed(
                start() - Duration::days(1),
                Some(start() + Duration::days(30)),
            ))),
        )
        .unwrap();
    assert_eq!(a.owner, "chen.jie");
    // Marketing cannot add to the library.
    assert_eq!(code(e.add_asset("li.na", ugc(None))), "permission_denied");

    // Content using it publishes while the authorization runs, not after.
    let id = approved(
        &e,
        video("用户开箱", true),
        "用户开箱视频。",
        VersionDetails {
            duration_seconds: Some(30),
            assets: vec![a.id],
            ..VersionDetails::default()
        },
    );
    e.advance_clock(Duration::days(31)).unwrap();
    let r = e.prepublish_check(id).unwrap();
    assert_eq!(r.issues[0].check, CheckKind::AssetUnauthorized);
    assert_eq!(r.issues[0].rule, "CON-6");
    let err = e.publish_content("chen.jie", id).unwrap_err();
    assert!(err.to_string().contains("CON-6"), "{err}");
}

#[test]
fn con6_labels_restrict_who_reads_and_reads_are_audited() {
    let e = company();
    let secret = e
        .add_asset(
            "chen.jie",
            NewAsset {
                kind: AssetKind::Document,
                name: "2027 新品路线图".into(),
                uri: "oss://brand/roadmap.pdf".into(),
                source: AssetSource::Internal,
                label: Confidentiality::Secret,
                authorization: None,
                readers: vec!["zhao.min".into()],
            },
        )
        .unwrap();
    let conf = image(&e, "campaign-draft", Confidentiality::Confidential);
    let internal = image(&e, "team-photo", Confidentiality::Internal);

    // Secret: owner and named readers only; a brand colleague is refused.
    assert_eq!(e.asset("chen.jie", secret.id).unwrap().id, secret.id);
    assert_eq!(e.asset("zhao.min", secret.id).unwrap().id, secret.id);
    let n = e.audit_len().unwrap();
    let err = e.asset("wu.fan", secret.id).unwrap_err();
    assert_eq!(err.code(), "permission_denied");
    assert!(err.to_string().contains("not_cleared"), "{err}");
    assert_eq!(e.audit_len().unwrap(), n + 1, "the refusal is audited");
    // Confidential: the department (brand) and asset managers; not sales.
    assert!(e.asset("wu.fan", conf).is_ok());
    assert_eq!(code(e.asset("qian.yu", conf)), "permission_denied");
    assert!(e.asset("qian.yu", internal).is_ok());

    // Listing shows only what one may read.
    let ids = |who: &str| -> Vec<i64> {
        e.assets(who, &AssetFilter::default())
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect()
    };
    assert_eq!(ids("chen.jie"), vec![secret.id, conf, internal]);
    assert_eq!(ids("wu.fan"), vec![conf, internal]);
    assert_eq!(ids("qian.yu"), vec![internal]);
    assert_eq!(
        e.assets(
            "chen.jie",
            &AssetFilter {
                label: Some(Confidentiality::Secret),
                ..AssetFilter::default()
            }
        )
        .unwrap()
        .len(),
        1
    );
    // Reads of confidential and secret assets are in the log.
    let reads = e
        .audit_query(
            "zhao.min",
            &brandrail::AuditQuery {
                action: Some("asset.read".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(reads.len(), 5, "{reads:#?}");

    // Relabel: sales may read once named.
    e.relabel_asset(
        "chen.jie",
        conf,
        Confidentiality::Secret,
        &["qian.yu".into()],
    )
    .unwrap();
    assert!(e.asset("qian.yu", conf).is_ok());
    assert_eq!(code(e.asset("wu.fan", conf)), "permission_denied");
    // wu.fan manages assets but may not relabel what he cannot read.
    assert_eq!(
        code(e.relabel_asset("wu.fan", conf, Confidentiality::Public, &[])),
        "permission_denied"
    );
    assert_eq!(
        code(e.relabel_asset(
            "chen.jie",
            conf,
            Confidentiality::Secret,
            &["nobody".into()]
        )),
        "not_found"
    );
    // Unknown ids, deactivated readers, bad input.
    assert_eq!(code(e.asset("chen.jie", 999)), "not_found");
    assert_eq!(code(e.asset("ghost", internal)), "permission_denied");
    e.deactivate_principal("it.admin", "zhao.min").unwrap();
    assert_eq!(code(e.asset("zhao.min", secret.id)), "permission_denied");
    for (name, uri) in [
        ("", "oss://x"),
        ("x", ""),
        ("x", "oss://a b"),
        ("x\u{202E}", "oss://x"),
    ] {
        let r = e.add_asset(
            "chen.jie",
            NewAsset {
                kind: AssetKind::Image,
                name: name.into(),
                uri: uri.into(),
                source: AssetSource::Internal,
                label: Confidentiality::Public,
                authorization: None,
                readers: vec![],
            },
        );
        assert_eq!(code(r), "validation", "{name:?} {uri:?}");
    }
    assert_eq!(
        code(
            e.retire_asset("chen.jie", internal)
                .and_then(|_| e.retire_asset("chen.jie", internal))
        ),
        "conflict"
    );
}

#[test]
fn con6_approved_content_enters_the_library_unapproved_does_not() {
    let e = company();
    let draft = e
        .plan_content(
            "li.na",
            NewContent::new(ContentKind::Article, "草稿", "zhihu"),
        )
        .unwrap();
    assert_eq!(
        code(e.archive_content("chen.jie", draft.id, Confidentiality::Public)),
        "policy_violation"
    );
    let id = approved(
        &e,
        NewContent::new(ContentKind::ImagePost, "秋冬", "weibo"),
        "秋冬上新。",
        VersionDetails::default(),
    );
    let a = e
        .archive_content("chen.jie", id, Confidentiality::Internal)
        .unwrap();
    assert_eq!((a.kind, a.content_id), (AssetKind::Content, Some(id)));
    assert_eq!(a.uri, format!("content:{id}/v1"));
    assert_eq!(
        code(e.archive_content("chen.jie", 777, Confidentiality::Public)),
        "not_found"
    );
}

// ------------------------------------------------------------------ CON-7

#[test]
fn con7_the_cap_refuses_a_third_douyin_video_on_one_day() {
    let e = company();
    let day = "2026-11-04";
    let ids: Vec<i64> = (0..3)
        .map(|i| approved(&e, video(&format!("短视频{i}"), i == 0), "脚本。", secs(30)))
        .collect();
    e.schedule_content("li.na", ids[0], local(day, 12, 0))
        .unwrap();
    e.schedule_content("li.na", ids[1], local(day, 18, 0))
        .unwrap();
    let n = e.audit_len().unwrap();
    let err = e
        .schedule_content("li.na", ids[2], local(day, 20, 0))
        .unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(err.to_string().contains("CON-7"), "{err}");
    assert_eq!(e.audit_len().unwrap(), n);
    // The next day has room; rescheduling an item within its day is fine.
    e.schedule_content("li.na", ids[2], local("2026-11-05", 12, 0))
        .unwrap();
    e.schedule_content("li.na", ids[1], local(day, 12, 0))
        .unwrap();
}

#[test]
fn con7_the_week_plan_reports_cadence_ugc_mix_slots_and_backlog() {
    let e = company();
    // Douyin on Wednesday: one UGC video at 12:00, one at 12:00 too (conflict).
    let a = approved(&e, video("UGC 开箱", true), "脚本。", secs(20));
    let b = approved(&e, video("工厂探访", false), "脚本。", secs(45));
    e.schedule_content("li.na", a, local("2026-11-04", 12, 0))
        .unwrap();
    e.schedule_content("li.na", b, local("2026-11-04", 12, 0))
        .unwrap();
    // Xiaohongshu: a KOC post off-slot at 15:00, no amateur review.
    let x = approved(
        &e,
        NewContent {
            format: Some("koc".into()),
            ..NewContent::new(ContentKind::ImagePost, "KOC 试穿", "xiaohongshu")
        },
        "试穿笔记。",
        VersionDetails::default(),
    );
    e.schedule_content("li.na", x, local("2026-11-05", 15, 0))
        .unwrap();
    // WeChat: one article published Monday.
    let w = approved(
        &e,
        NewContent::new(ContentKind::Article, "秋冬指南", "wechat_official_account"),
        "正文。",
        VersionDetails {
            paragraph_spacing: Some(1.75),
            ..VersionDetails::default()
        },
    );
    e.publish_content("chen.jie", w).unwrap();
    // Approved and left unscheduled.
    let idle = approved(&e, video("压箱底", false), "脚本。", secs(30));

    e.advance_clock(Duration::days(8)).unwrap();
    let plan = e.week_plan(date("2026-11-04")).unwrap();
    assert_eq!(
        (plan.from, plan.to),
        (date("2026-11-02"), date("2026-11-08"))
    );
    assert_eq!(plan.time_zone, "Asia/Shanghai");
    let entries: Vec<(i64, &str, Option<bool>)> = plan
        .entries
        .iter()
        .map(|p| (p.item_id, p.local_time.as_str(), p.on_slot))
        .collect();
    assert_eq!(
        entries,
        vec![
            (w, "10:00", None),
            (a, "12:00", Some(true)),
            (b, "12:00", Some(true)),
            (x, "15:00", Some(false)),
        ]
    );
    let of = |k: PlanIssueKind| plan.issues.iter().filter(move |i| i.kind == k);
    // WeChat: 1 of 3 articles and 0 of 1 live this week.
    let missed: Vec<(&str, Option<u32>, Option<u32>)> = of(PlanIssueKind::MissedCadence)
        .filter(|i| i.channel != "douyin")
        .map(|i| (i.channel.as_str(), i.expected, i.actual))
        .collect();
    assert_eq!(
        missed,
        vec![
            ("wechat_official_account", Some(3), Some(1)),
            ("wechat_official_account", Some(1), Some(0)),
            ("xiaohongshu", Some(7), Some(1)),
        ]
    );
    // Douyin: 2 on Wednesday meets the target; the other six days miss it.
    assert_eq!(
        of(PlanIssueKind::MissedCadence)
            .filter(|i| i.channel == "douyin")
            .count(),
        6
    );
    // UGC: Wednesday has its UGC video; the other days have none.
    assert!(of(PlanIssueKind::UgcShortfall).all(|i| i.period_start != Some(date("2026-11-04"))));
    assert_eq!(of(PlanIssueKind::UgcShortfall).count(), 6);
    let mix: Vec<&str> = of(PlanIssueKind::MixMissing)
        .map(|i| i.message.as_str())
        .collect();
    assert_eq!(mix.len(), 1);
    assert!(mix[0].contains("amateur_review"), "{mix:?}");
    let conflict: Vec<&Vec<i64>> = of(PlanIssueKind::SlotConflict)
        .map(|i| &i.item_ids)
        .collect();
    assert_eq!(conflict, vec![&vec![a, b]]);
    let off: Vec<&Vec<i64>> = of(PlanIssueKind::OffSlot).map(|i| &i.item_ids).collect();
    assert_eq!(off, vec![&vec![x]]);
    let backlog: Vec<&Vec<i64>> = of(PlanIssueKind::Backlog).map(|i| &i.item_ids).collect();
    assert_eq!(backlog, vec![&vec![idle]]);
    assert_eq!(of(PlanIssueKind::OverFrequency).count(), 0);

    // Bad ranges.
    assert_eq!(
        code(e.publishing_plan(date("2026-11-08"), date("2026-11-01"))),
        "validation"
    );
    assert_eq!(
        code(e.publishing_plan(date("2026-01-01"), date("2027-03-01"))),
        "validation"
    );
    assert_eq!(code(e.quarter_plan(2026, 5)), "validation");
}

// ------------------------------------------------------------------ CON-8

#[test]
fn con8_quarter_plan_hot_dates_and_themes() {
    let e = company();
    let q = e.quarter_plan(2026, 4).unwrap();
    let names: Vec<&str> = q.hot_dates.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["国庆节", "双十一", "双十二", "圣诞节"]);
    assert_eq!(
        q.issues
            .iter()
            .filter(|i| i.kind == PlanIssueKind::HotDateUncovered)
            .count(),
        4
    );

    let t = e
        .add_theme(
            "li.na",
            NewTheme {
                name: "双十一 暖冬季".into(),
                starts: date("2026-11-01"),
                ends: date("2026-11-15"),
                hot_date: Some("双十一".into()),
                description: "羊绒与围巾".into(),
            },
        )
        .unwrap();
    let q = e.quarter_plan(2026, 4).unwrap();
    assert_eq!(q.themes, vec![t.clone()]);
    let uncovered: Vec<Option<NaiveDate>> = q
        .issues
        .iter()
        .filter(|i| i.kind == PlanIssueKind::HotDateUncovered)
        .map(|i| i.period_start)
        .collect();
    assert_eq!(uncovered.len(), 3);
    assert!(!uncovered.contains(&Some(date("2026-11-11"))));
    // Lunar holidays sit on their dates of the year.
    let spring: Vec<NaiveDate> = e
        .hot_dates(date("2027-01-01"), date("2027-03-31"))
        .unwrap()
        .into_iter()
        .filter(|h| h.name == "春节")
        .map(|h| h.date)
        .collect();
    assert_eq!(spring, vec![date("2027-02-06")]);
    // An item joins the theme; an unknown theme is refused.
    let item = e
        .plan_content(
            "li.na",
            NewContent {
                theme_id: Some(t.id),
                ..NewContent::new(ContentKind::Article, "暖冬", "zhihu")
            },
        )
        .unwrap();
    assert_eq!(item.theme_id, Some(t.id));
    assert_eq!(
        code(e.plan_content(
            "li.na",
            NewContent {
                theme_id: Some(99),
                ..NewContent::new(ContentKind::Article, "暖冬", "zhihu")
            }
        )),
        "not_found"
    );
    // Bad themes.
    let bad = |name: &str, s: &str, en: &str, hot: Option<&str>| NewTheme {
        name: name.into(),
        starts: date(s),
        ends: date(en),
        hot_date: hot.map(Into::into),
        description: String::new(),
    };
    assert_eq!(
        code(e.add_theme("li.na", bad("", "2026-11-01", "2026-11-02", None))),
        "validation"
    );
    assert_eq!(
        code(e.add_theme("li.na", bad("x", "2026-11-02", "2026-11-01", None))),
        "validation"
    );
    assert_eq!(
        code(e.add_theme("li.na", bad("x", "2026-01-01", "2027-06-01", None))),
        "validation"
    );
    assert_eq!(
        code(e.add_theme(
            "li.na",
            bad("x", "2026-11-01", "2026-11-02", Some("光棍节"))
        )),
        "not_found"
    );
    assert_eq!(
        code(e.add_theme("qian.yu", bad("x", "2026-11-01", "2026-11-02", None))),
        "permission_denied"
    );
}

#[test]
fn con8_variants_and_derivatives() {
    let e = company();
    let item = e
        .plan_content(
            "li.na",
            NewContent::new(ContentKind::Article, "早餐", "wechat_official_account"),
        )
        .unwrap();
    e.edit_content_with(
        "li.na",
        item.id,
        &ContentDraft {
            title: "早餐".into(),
            body: "三分钟早餐。".into(),
            details: VersionDetails {
                paragraph_spacing: Some(1.5),
                ..VersionDetails::default()
            },
        },
    )
    .unwrap();
    let title = |t: &str| NewVariant {
        kind: VariantKind::Title,
        text: t.into(),
        style: None,
    };
    let a = e
        .add_variant("li.na", item.id, title("3 个理由让你爱上早餐"))
        .unwrap();
    let b = e
        .add_variant("li.na", item.id, title("为什么早餐只要 3 分钟？"))
        .unwrap();
    let c = e
        .add_variant(
            "li.na",
            item.id,
            NewVariant {
                kind: VariantKind::Copy,
                text: "一杯热豆浆，开启暖冬早晨。".into(),
                style: Some(VariantStyle::Plain),
            },
        )
        .unwrap();
    assert_eq!((a.label.as_str(), a.style), ("A", VariantStyle::Number));
    assert_eq!((b.label.as_str(), b.style), ("B", VariantStyle::Question));
    assert_eq!((c.label.as_str(), c.kind), ("A", VariantKind::Copy));
    // A variant with a banned claim is refused.
    let err = e
        .add_variant("li.na", item.id, title("全网最佳早餐"))
        .unwrap_err();
    assert!(err.to_string().contains("CON-3"), "{err}");
    assert_eq!(
        code(e.add_variant("li.na", 999, title("早餐"))),
        "not_found"
    );
    assert_eq!(
        code(e.add_variant("li.na", item.id, title(""))),
        "validation"
    );
    assert_eq!(
        code(e.add_variant("qian.yu", item.id, title("早餐"))),
        "permission_denied"
    );

    // Results: clicks never exceed impressions.
    let a = e.record_variant_results("li.na", a.id, 1000, 42).unwrap();
    let a = e.record_variant_results("li.na", a.id, 1000, 18).unwrap();
    assert_eq!((a.impressions, a.clicks), (2000, 60));
    assert_eq!(a.click_rate(), Some(0.03));
    assert_eq!(
        code(e.record_variant_results("li.na", b.id, 10, 11)),
        "validation"
    );
    assert_eq!(
        code(e.record_variant_results("li.na", b.id, u64::MAX, 0)),
        "validation"
    );
    assert_eq!(
        code(e.record_variant_results("chen.jie", b.id, 1, 0)),
        "permission_denied"
    );
    assert_eq!(
        code(e.record_variant_results("li.na", 4242, 1, 0)),
        "not_found"
    );
    let vs = e.content_variants(item.id).unwrap();
    assert_eq!(
        vs.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![a.id, b.id, c.id]
    );
    assert_eq!(vs[1].impressions, 0);

    // A derivative for Weibo starts from the source's text and links to it.
    let d = e
        .derive_content(
            "li.na",
            item.id,
            NewContent::new(ContentKind::ImagePost, "早餐 图文", "weibo"),
        )
        .unwrap();
    assert_eq!(
        (d.source_id, d.state, d.version),
        (Some(item.id), ContentState::InProduction, 1)
    );
    let v = e.content_versions(d.id).unwrap();
    assert_eq!(v[0].body, "三分钟早餐。");
    assert_eq!(v[0].details.paragraph_spacing, Some(1.5));
    assert_eq!(e.content_derivatives(item.id).unwrap(), vec![d]);
    let empty = e
        .plan_content(
            "li.na",
            NewContent::new(ContentKind::Article, "空", "zhihu"),
        )
        .unwrap();
    assert_eq!(
        code(e.derive_content(
            "li.na",
            empty.id,
            NewContent::new(ContentKind::Sms, "短信", "sms_sender")
        )),
        "conflict"
    );
    assert_eq!(code(e.content_derivatives(31337)), "not_found");
    // A published item takes no more variants.
    let id = approved(
        &e,
        NewContent::new(ContentKind::ImagePost, "上新", "weibo"),
        "上新。",
        VersionDetails::default(),
    );
    e.publish_content("chen.jie", id).unwrap();
    assert_eq!(
        code(e.add_variant("li.na", id, title("上新 2"))),
        "conflict"
    );
    assert_eq!(
        e.prepublish_check(id)
            .unwrap()
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Block)
            .count(),
        0
    );
}
