//! `docs/rules/` is generated from the rules' doc comments. This test fails when a page is stale
//! or orphaned; run with `SHIPLINT_UPDATE_DOCS=1` to regenerate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use shiplint::rule::RuleMeta;

fn page(m: &RuleMeta) -> String {
    let environments = m
        .scope
        .describe(m.default_severity)
        .into_iter()
        .map(|(env, sev)| format!("{}: {}", env, sev.map_or("off", |s| s.as_str())))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "<!-- Generated from the rule's doc comment in rules/{family}/; edit it there. -->\n\
         # {code} {name}\n\n\
         | Family | Default severity | Severity by environment |\n\
         |---|---|---|\n\
         | {family} | {severity} | {environments} |\n\n\
         {docs}",
        family = m.family.as_str(),
        code = m.code,
        name = m.name,
        severity = m.default_severity.as_str(),
        docs = m.docs().replace("## ", "### "),
    )
}

fn index(metas: &[&RuleMeta]) -> String {
    let mut out = String::from(
        "<!-- Generated from the rules' doc comments; edit them there. -->\n# Rules\n\n\
         | Code | Name | Family | Default severity | What it does |\n|---|---|---|---|---|\n",
    );
    for m in metas {
        out.push_str(&format!(
            "| [{code}]({code}.md) | {name} | {family} | {sev} | {summary} |\n",
            code = m.code,
            name = m.name,
            family = m.family.as_str(),
            sev = m.default_severity.as_str(),
            summary = m.summary().replace('|', "\\|"),
        ));
    }
    out
}

#[test]
fn rule_pages_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let metas = shiplint::rules::metas();
    let mut wanted: BTreeMap<String, String> = metas
        .iter()
        .map(|m| (format!("{}.md", m.code), page(m)))
        .collect();
    wanted.insert("README.md".to_string(), index(&metas));
    if std::env::var_os("SHIPLINT_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if !wanted.contains_key(&p.file_name().unwrap().to_string_lossy().to_string()) {
                std::fs::remove_file(p).unwrap();
            }
        }
        for (name, text) in &wanted {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &wanted {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(have) if have == *text => {}
            _ => stale.push(name.clone()),
        }
    }
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if !wanted.contains_key(&name) {
            stale.push(format!("{name} (orphan)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}; run `SHIPLINT_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn every_rule_option_is_documented_with_its_default() {
    for m in shiplint::rules::metas() {
        let docs = m.docs();
        for option in m.options {
            assert!(
                docs.contains(&format!("[rule-options.{}]", m.name)),
                "{} declares options but its docs show no `[rule-options.{}]` example",
                m.code,
                m.name
            );
            let shiplint::rule::OptionKind::Integer { default, .. } = option.kind;
            let line = docs
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{} =", option.name)))
                .unwrap_or_else(|| panic!("{}: option `{}` undocumented", m.code, option.name));
            assert!(
                line.contains(&default.to_string()),
                "{}: the docs of `{}` do not give its default {default}: {line}",
                m.code,
                option.name
            );
        }
    }
}
