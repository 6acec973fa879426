use crate::rule::{Ctx, Rule};
use crate::rules::django::{check_leaves, Finding, Judged};

crate::declare_rule! {
    /// ## What it does
    /// Reports deployed settings that check no password at all: `AUTH_PASSWORD_VALIDATORS`
    /// empty, or never set (Django's default is an empty list), while `django.contrib.auth` is
    /// installed.
    ///
    /// ## Why it matters
    /// Without validators, `set_password` accepts anything: `"a"`, `"password"`, the user name.
    /// Staff accounts with such passwords fall to the first credential-stuffing run against
    /// `/admin/`. `startproject` writes four validators; an empty list means someone removed
    /// them, usually to make tests or fixtures easier, and the change reached production.
    ///
    /// ## Example
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
    /// AUTH_PASSWORD_VALIDATORS = []
    /// ```
    ///
    /// ## How to fix
    /// ```python title="app/settings/production.py"
    /// INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
    /// AUTH_PASSWORD_VALIDATORS = [
    ///     {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    ///     {
    ///         "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
    ///         "OPTIONS": {"min_length": 12},
    ///     },
    ///     {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ///     {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    /// ]
    /// ```
    /// Keep an empty list in test settings only, where fast fixtures matter.
    pub(crate) struct PasswordValidationDisabled {
        code: "DJG017",
        name: "password-validation-disabled",
        family: Django,
        severity: Warning,
        scope: DEPLOYED,
    }
}

const HELP: &str = "configure AUTH_PASSWORD_VALIDATORS with Django's validators \
                    (minimum length, common passwords, similarity to user attributes, numeric)";

impl Rule for PasswordValidationDisabled {
    fn check_project(&self, ctx: &mut Ctx<'_>) {
        check_leaves(ctx, |leaf, out| {
            if leaf.has_app("django.contrib.auth") != Some(true) {
                return;
            }
            match leaf.judge("AUTH_PASSWORD_VALIDATORS") {
                Judged::Default(None) if leaf.is_whole() => out.push(
                    Finding::module(
                        "AUTH_PASSWORD_VALIDATORS is never set, so any password is accepted",
                    )
                    .help(HELP),
                ),
                Judged::Set(_, list) => {
                    for o in list {
                        if o.value.as_list().is_some_and(|l| l.is_empty()) {
                            out.push(
                                Finding::at(
                                    o.span,
                                    format!(
                                        "AUTH_PASSWORD_VALIDATORS is empty{}, so any password is \
                                         accepted",
                                        o.when()
                                    ),
                                )
                                .help(HELP),
                            );
                        }
                    }
                }
                _ => {}
            }
        });
    }
}
