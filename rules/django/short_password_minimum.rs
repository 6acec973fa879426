use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings whose password validators accept passwords shorter than 12
    /// characters: a `MinimumLengthValidator` with a smaller `min_length`, or without one
    /// (Django's default is 8), or a list of validators with no minimum length at all.
    ///
    /// The floor of 12 follows current guidance for passwords that are the only factor (NIST
    /// SP 800-63B, OWASP). Projects whose accounts are protected otherwise (single sign-on, a
    /// second factor) can lower it, and stricter ones raise it, in the configuration:
    ///
    /// ```toml
    /// [rule-options.short-password-minimum]
    /// min-length = 8   # an integer from 1 to 128; 12 when unset
    /// ```
    ///
    /// ## Why it matters
    /// Length is what makes a password hard to guess offline. Eight characters fall to a
    /// leaked hash in hours on commodity hardware; twelve take far longer. Django's own default
    /// of 8 comes from an older standard.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth"]
    /// AUTH_PASSWORD_VALIDATORS = [
    ///     {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    /// ]
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth"]
    /// AUTH_PASSWORD_VALIDATORS = [
    ///     {
    ///         "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
    ///         "OPTIONS": {"min_length": 12},
    ///     },
    /// ]
    /// ```
    pub(crate) struct ShortPasswordMinimum {
        code: "DJG018",
        name: "short-password-minimum",
        family: Django,
        severity: Info,
        scope: DEPLOYED,
        options: [crate::rule::RuleOption::integer(OPTION, 1, 128, 12)],
    }
}

/// The option giving the shortest password length accepted without a finding (default 12).
const OPTION: &str = "min-length";
const VALIDATOR: &str = "MinimumLengthValidator";

impl Rule for ShortPasswordMinimum {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        let floor = ctx.int_option(OPTION);
        check_leaves(ctx, |leaf, out| {
            let Judged::Set(_, list) = leaf.judge("AUTH_PASSWORD_VALIDATORS") else {
                return;
            };
            for o in list {
                let Some(items) = o.value.as_list() else {
                    continue;
                };
                if items.is_empty() {
                    continue;
                }
                let mut names_known = true;
                let mut found = false;
                for item in items {
                    let Some(name) = item.value.dict_get("NAME").and_then(|n| n.value.as_str())
                    else {
                        names_known = false;
                        continue;
                    };
                    if name.rsplit('.').next() != Some(VALIDATOR) {
                        continue;
                    }
                    found = true;
                    let min = item
                        .value
                        .dict_get("OPTIONS")
                        .and_then(|opts| opts.value.dict_get("min_length"));
                    let (n, span) = match min {
                        None => (8, item.span),
                        Some(m) => match m.value.as_int() {
                            Some(n) => (n, m.span),
                            None => continue,
                        },
                    };
                    if n < floor {
                        let span = if o.uses_default() { o.span } else { span };
                        let how = if min.is_none() {
                            "the MinimumLengthValidator has no min_length, so Django's default of 8 \
                             applies"
                                .to_string()
                        } else {
                            format!(
                                "the MinimumLengthValidator accepts passwords of {n} characters"
                            )
                        };
                        out.push(
                            Finding::at(span, format!("{how}, under the floor of {floor}"))
                                .help(format!("set \"OPTIONS\": {{\"min_length\": {floor}}}")),
                        );
                    }
                }
                if !found && names_known {
                    out.push(
                        Finding::at(
                            o.span,
                            "AUTH_PASSWORD_VALIDATORS has no MinimumLengthValidator, so \
                             passwords of any length are accepted",
                        )
                        .help(format!(
                            "add django.contrib.auth.password_validation.MinimumLengthValidator \
                             with \"OPTIONS\": {{\"min_length\": {floor}}}"
                        )),
                    );
                }
            }
        });
    }
}
