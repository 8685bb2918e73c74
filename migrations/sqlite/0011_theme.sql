-- The portal's theme, set by an operator and served at run time as /theme.css and
-- /theme/logo (src/http/theme.rs): no rebuild, no restart. One row, present from the start so
-- that its version (the ETag) always exists. Keep postgres/0011_theme.sql identical in meaning.
CREATE TABLE portal_theme (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    -- JSON objects of design tokens to override, e.g. {"primary": "#1f5fad"}: colours as
    -- #rrggbb only (checked before they are stored, again when they are served).
    light_colors      TEXT NOT NULL,
    dark_colors       TEXT NOT NULL,
    -- Operator CSS appended to the theme (checked: balanced, no @import, no outside URL).
    extra_css         TEXT NOT NULL,
    -- The logo: an allowed image type (recognised by its first bytes) and its bytes, or none.
    logo_content_type TEXT,
    logo              BLOB,
    row_version       BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_by        TEXT
);
INSERT INTO portal_theme (id, light_colors, dark_colors, extra_css, row_version, updated_at)
VALUES (1, '{}', '{}', '', 1, 0);
