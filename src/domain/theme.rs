//! The portal's theme: what an operator may store (colours, extra CSS, a logo) and the
//! stylesheet made of it. What an operator writes ends up in a stylesheet and an image that every
//! page loads, so it is checked strictly when written (and the colours again when served):
//! - colours are `#rrggbb` and nothing else;
//! - the extra CSS is at most [`MAX_EXTRA_CSS`] bytes of printable text with no escapes (`\`),
//!   no `<`, no `@import`/`@charset`/`@namespace`, no `url()` but same-site paths and
//!   `data:image/…`, no `image-set()`, `expression()` or bindings; its brackets must balance
//!   and its strings and comments close, so it cannot end or open a block of the stylesheet;
//! - the logo is a PNG, JPEG, GIF, WebP or SVG recognised by its first bytes, at most
//!   [`MAX_LOGO_BYTES`].
//!
//! Pure functions over plain types; `http::theme` serves them, `store::theme` keeps them.

use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

/// The most extra CSS an operator may store.
pub const MAX_EXTRA_CSS: usize = 32 * 1024;
/// The largest logo, in bytes (decoded).
pub const MAX_LOGO_BYTES: usize = 128 * 1024;

macro_rules! colors {
    ($($field:ident => $var:literal, $doc:literal;)+) => {
        /// Design tokens to override, each `#rrggbb`; absent or null keeps the portal's own.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        #[schema(example = json!({"primary": "#7a1fa2", "primary_text": "#ffffff", "link": "#6a1b9a"}))]
        pub struct ThemeColors {
            $(
                #[doc = $doc]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )+
        }

        impl ThemeColors {
            /// (field name, CSS custom property, value) of every token.
            fn tokens(&self) -> Vec<(&'static str, &'static str, Option<&str>)> {
                vec![$((stringify!($field), $var, self.$field.as_deref())),+]
            }

            fn set(&mut self, field: &str, value: String) {
                match field {
                    $(stringify!($field) => self.$field = Some(value),)+
                    _ => {}
                }
            }
        }
    };
}

colors! {
    primary => "--color-primary", "Buttons, the current tab, the current lifecycle state.";
    primary_text => "--color-primary-text", "Text on the primary colour.";
    link => "--color-link", "Links.";
    focus => "--color-focus", "The focus ring.";
    background => "--color-bg", "The page's background.";
    surface => "--color-surface", "The header, panels and code blocks.";
    text => "--color-text", "Body text.";
    muted => "--color-muted", "Secondary text and hints.";
    border => "--color-border", "Borders and rules.";
}

/// A theme that passed every check: what the store keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedTheme {
    pub light: ThemeColors,
    pub dark: ThemeColors,
    pub extra_css: String,
    /// The logo's content type and bytes; `None` for Tollgate's own.
    pub logo: Option<(&'static str, Vec<u8>)>,
}

/// Checks what an operator asks for, every problem reported at its pointer (`/light/primary`,
/// `/extra_css`, `/logo`). An empty or absent logo means Tollgate's own.
pub fn check(
    light: &ThemeColors,
    dark: &ThemeColors,
    extra_css: String,
    logo: Option<&str>,
) -> Result<CheckedTheme, Vec<FieldError>> {
    let mut errors = Vec::new();
    let light = checked_colors(light, "/light", &mut errors);
    let dark = checked_colors(dark, "/dark", &mut errors);
    if let Err(message) = check_css(&extra_css) {
        errors.push(FieldError::new("/extra_css", message));
    }
    let logo = match logo {
        None | Some("") => None,
        Some(url) => parse_logo(url)
            .map_err(|m| errors.push(FieldError::new("/logo", m)))
            .ok(),
    };
    if errors.is_empty() {
        Ok(CheckedTheme {
            light,
            dark,
            extra_css,
            logo,
        })
    } else {
        Err(errors)
    }
}

/// Stored colours, keeping only those that are still valid (they were checked when written).
pub fn stored_colors(json: &str) -> ThemeColors {
    let parsed: ThemeColors = serde_json::from_str(json).unwrap_or_default();
    let mut out = ThemeColors::default();
    for (field, _, value) in parsed.tokens() {
        if let Some(Ok(color)) = value.map(parse_color) {
            out.set(field, color);
        }
    }
    out
}

/// The colours normalised (lower case), each invalid one reported at its pointer.
fn checked_colors(colors: &ThemeColors, at: &str, errors: &mut Vec<FieldError>) -> ThemeColors {
    let mut out = ThemeColors::default();
    for (field, _, value) in colors.tokens() {
        match value.map(parse_color) {
            None => {}
            Some(Ok(color)) => out.set(field, color),
            Some(Err(message)) => errors.push(FieldError::new(format!("{at}/{field}"), message)),
        }
    }
    out
}

/// `#rrggbb`, lower-cased; nothing else (no names, no `rgb()`, no short form).
pub fn parse_color(value: &str) -> Result<String, &'static str> {
    let hex = value.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_lowercase()))
    } else {
        Err("must be a colour written #rrggbb, e.g. #1f5fad")
    }
}

/// Whether extra CSS may be appended to the theme (see the module's rules).
pub fn check_css(css: &str) -> Result<(), String> {
    if css.len() > MAX_EXTRA_CSS {
        return Err(format!("must be at most {MAX_EXTRA_CSS} bytes"));
    }
    if let Some(c) = css.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(format!("must not contain the control character U+{:04X}", u32::from(c)));
    }
    if css.contains('\\') {
        return Err("must not contain escapes (\\)".into());
    }
    if css.contains('<') {
        return Err("must not contain <".into());
    }
    let lower = css.to_ascii_lowercase();
    for banned in [
        "@import",
        "@charset",
        "@namespace",
        "image-set(",
        "expression(",
        "-moz-binding",
        "behavior:",
        "src(",
    ] {
        if lower.contains(banned) {
            return Err(format!("must not use {banned}"));
        }
    }
    // url(…) only to a path of this site or an inline image.
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        let target = rest[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        let same_site = target.starts_with('/') && !target.starts_with("//");
        if !(same_site || target.starts_with("data:image/")) {
            return Err("url() may only name a path of this site (/…) or a data:image/ URL".into());
        }
        rest = &rest[at + 4..];
    }
    check_structure(css)
}

/// Brackets balance and nest, and every string and comment is closed.
fn check_structure(css: &str) -> Result<(), String> {
    let mut stack = Vec::new();
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    if c == '*' && chars.peek() == Some(&'/') {
                        chars.next();
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err("a comment is not closed (*/)".into());
                }
            }
            '"' | '\'' => {
                let mut closed = false;
                for s in chars.by_ref() {
                    if s == c {
                        closed = true;
                        break;
                    }
                    if s == '\n' {
                        break;
                    }
                }
                if !closed {
                    return Err("a string is not closed on its line".into());
                }
            }
            '{' | '(' | '[' => stack.push(c),
            '}' | ')' | ']' => {
                let open = match c {
                    '}' => '{',
                    ')' => '(',
                    _ => '[',
                };
                if stack.pop() != Some(open) {
                    return Err(format!("{c} closes nothing that is open here"));
                }
            }
            _ => {}
        }
    }
    match stack.last() {
        Some(open) => Err(format!("{open} is not closed")),
        None => Ok(()),
    }
}

/// The content type of an image we serve as a logo, by the name it was stored with.
pub fn logo_type(content_type: &str) -> Option<&'static str> {
    ["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"]
        .into_iter()
        .find(|t| *t == content_type)
}

/// A `data:<type>;base64,<data>` URL of an allowed image: its type and bytes. The bytes must be
/// what the type says (first bytes; for SVG, UTF-8 text with an `<svg` element).
pub fn parse_logo(url: &str) -> Result<(&'static str, Vec<u8>), String> {
    let bad_url = || "must be a data: URL, data:image/png;base64,…".to_owned();
    let rest = url.strip_prefix("data:").ok_or_else(bad_url)?;
    let (meta, data) = rest.split_once(',').ok_or_else(bad_url)?;
    let declared = meta.strip_suffix(";base64").ok_or_else(bad_url)?.to_ascii_lowercase();
    let content_type = logo_type(&declared).ok_or("must be a PNG, JPEG, GIF, WebP or SVG image")?;
    // Base64 of MAX_LOGO_BYTES is 4/3 as long: refuse a larger text before decoding it.
    if data.len() > MAX_LOGO_BYTES / 3 * 4 + 4 {
        return Err(format!("must be at most {} KiB", MAX_LOGO_BYTES / 1024));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| "is not valid base64".to_owned())?;
    if bytes.is_empty() {
        return Err("is empty".into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!("must be at most {} KiB", MAX_LOGO_BYTES / 1024));
    }
    let matches = match content_type {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => std::str::from_utf8(&bytes).is_ok_and(|s| s.contains("<svg")),
    };
    if !matches {
        return Err(format!("is not a {content_type} image"));
    }
    Ok((content_type, bytes))
}

/// The stylesheet: the light colours, the dark ones, then the extra CSS.
pub fn render_css(light: &ThemeColors, dark: &ThemeColors, extra_css: &str) -> String {
    let mut css = String::from("/* Tollgate's theme, set by an operator (Administration → Theme). */\n");
    for (scheme, colors) in [("light", light), ("dark", dark)] {
        let declarations: Vec<String> = colors
            .tokens()
            .into_iter()
            .filter_map(|(_, var, value)| Some(format!("    {var}: {};\n", parse_color(value?).ok()?)))
            .collect();
        if !declarations.is_empty() {
            css.push_str(&format!(
                "@media (prefers-color-scheme: {scheme}) {{\n  :root {{\n{}  }}\n}}\n",
                declarations.concat()
            ));
        }
    }
    if !extra_css.is_empty() {
        css.push_str("\n/* The operator's own CSS. */\n");
        css.push_str(extra_css);
        css.push('\n');
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_rrggbb_only() {
        assert_eq!(parse_color("#1F5fAD"), Ok("#1f5fad".to_owned()));
        for bad in [
            "",
            "1f5fad",
            "#1f5",
            "#1f5fad00",
            "red",
            "rgb(0,0,0)",
            "#1f5fa;",
            "#gggggg",
            "#1f5fad;}",
        ] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn extra_css_is_plain_balanced_css_without_imports_or_outside_urls() {
        for good in [
            "",
            ".brand span { letter-spacing: 0.05em; }",
            "@media (max-width: 40rem) { .brand span { display: none; } }",
            "a[href^=\"/\"] { text-decoration: none; } /* a } in a comment */ .x::after { content: '}'; }",
            ".hero { background: url(/theme/logo) no-repeat; }",
            ".hero { background: url('data:image/png;base64,AAAA'); }",
        ] {
            assert_eq!(check_css(good), Ok(()), "{good}");
        }
        for bad in [
            "} body { display: none; }",
            ".a { color: red;",
            ".a { color: red; }}",
            ".a { content: \"open; }",
            "/* never closed",
            ".a ( ]",
            "@import url(/x.css);",
            "@IMPORT '/x.css';",
            ".a { background: url(https://evil.example/x.png); }",
            ".a { background: url( \"//evil.example/x.png\"); }",
            ".a { background: image-set('https://evil.example/x.png' 1x); }",
            ".a { content: '\\7d'; }",
            ".a { width: expression(alert(1)); }",
            "</style><script>alert(1)</script>",
            ".a { color: red; }\u{0}",
        ] {
            assert!(check_css(bad).is_err(), "{bad}");
        }
        assert!(check_css(&"a{}".repeat(MAX_EXTRA_CSS / 3 + 1)).is_err());
    }

    #[test]
    fn logos_are_allowed_images_of_bounded_size() {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0; 16]].concat();
        let (t, bytes) = parse_logo(&format!("data:image/png;base64,{}", b64(&png))).unwrap();
        assert_eq!((t, bytes), ("image/png", png.clone()));
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(
            parse_logo(&format!("data:image/svg+xml;base64,{}", b64(svg)))
                .unwrap()
                .0,
            "image/svg+xml"
        );
        for bad in [
            format!("data:image/jpeg;base64,{}", b64(&png)),
            format!("data:text/html;base64,{}", b64(b"<script>")),
            format!("data:image/png,{}", b64(&png)),
            "https://example.com/logo.png".to_owned(),
            "data:image/png;base64,***".to_owned(),
            format!("data:image/svg+xml;base64,{}", b64(b"not an image")),
            format!(
                "data:image/png;base64,{}",
                b64(&[png.as_slice(), &vec![0; MAX_LOGO_BYTES]].concat())
            ),
        ] {
            assert!(parse_logo(&bad).is_err(), "{}", &bad[..bad.len().min(60)]);
        }
    }

    #[test]
    fn the_stylesheet_scopes_each_scheme_and_ends_with_the_extra_css() {
        let light = ThemeColors {
            primary: Some("#7a1fa2".into()),
            ..Default::default()
        };
        let dark = ThemeColors {
            primary: Some("#ce93d8".into()),
            text: Some("not a colour".into()),
            ..Default::default()
        };
        // The invalid dark text colour is left out; the extra CSS comes last.
        insta::assert_snapshot!(render_css(&light, &dark, ".x { color: red; }"), @r"
        /* Tollgate's theme, set by an operator (Administration → Theme). */
        @media (prefers-color-scheme: light) {
          :root {
            --color-primary: #7a1fa2;
          }
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --color-primary: #ce93d8;
          }
        }

        /* The operator's own CSS. */
        .x { color: red; }
        ");
        assert_eq!(
            render_css(&ThemeColors::default(), &ThemeColors::default(), "")
                .lines()
                .count(),
            1
        );
    }
}
