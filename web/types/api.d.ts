// Generated from openapi/tollgate.json by openapi-typescript (web/scripts/types.mjs). Do not edit.

export interface paths {
    "/.well-known/api-catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API catalog (RFC 9727): a linkset naming the management API's description and docs. */
        get: operations["find_api_catalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public keys that verify our access tokens (RFC 7517), including retired keys whose tokens
         *     may still be valid.
         */
        get: operations["find_jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OpenID Connect discovery document. */
        get: operations["find_openid_configuration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/problems": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every error code this API returns, with its meaning. */
        get: operations["list_problems"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/problems/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The meaning of one error code: the target of every problem's `type`. */
        get: operations["find_problem"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/signing-keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the access-token signing key. Tokens signed by the old key stay valid (it remains in
         *     the JWKS) until they expire.
         */
        post: operations["rotate_signing_key"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/theme": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The theme (operators). */
        get: operations["find_theme"];
        /**
         * Replace the theme (operators; `If-Match` supported). Every page uses it from its next load:
         *     colours for light and dark schemes, extra CSS, the logo. Colours must be `#rrggbb`; the extra
         *     CSS may not import, escape, reach other sites or leave its brackets open; the logo must be an
         *     image of an allowed type. Recorded in the operator organization's audit log.
         */
        put: operations["update_theme"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/top": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The busiest APIs or applications in a range (default: the last 24 hours). Exact: a range
         *     edge that would cut an hour or day of compacted usage is refused (400).
         */
        get: operations["top"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Usage over time: calls, errors by class, calls refused by limits, bytes and latency
         *     percentiles, per bucket and group. Every answer is exact: old usage is compacted into hourly
         *     and then daily totals, and a range holding such totals is answered only at a granularity
         *     they fit (400 otherwise, naming the finest one that does).
         */
        get: operations["usage_series"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apis/{api_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One API with its resources and plans. `ETag` is its version, for `If-Match`. */
        get: operations["find_api"];
        put?: never;
        post?: never;
        /** Delete an API in state CREATED or RETIRED (409 otherwise). */
        delete: operations["delete_api"];
        options?: never;
        head?: never;
        /** Change an API. Send `If-Match` with the ETag you read (412 when someone changed it since). */
        patch: operations["update_api"];
        trace?: never;
    };
    "/api/v1/apis/{api_id}/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The documents of an API, in their order (at most 100). */
        get: operations["list_documents"];
        put?: never;
        /** Add a document. For a file document, upload its content with `PUT …/content` next. */
        post: operations["create_document"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apis/{api_id}/documents/{document_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One document. */
        get: operations["find_document"];
        put?: never;
        post?: never;
        /** Delete a document. */
        delete: operations["delete_document"];
        options?: never;
        head?: never;
        /** Change a document (`If-Match` supported). */
        patch: operations["update_document"];
        trace?: never;
    };
    "/api/v1/apis/{api_id}/documents/{document_id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the file of a file document. */
        get: operations["find_document_content"];
        /**
         * Upload the file of a document (raw body with its Content-Type; PDF, images, markdown or
         *     text). The limit is the installation's `document_max_bytes`.
         */
        put: operations["update_document_content"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apis/{api_id}/lifecycle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API's lifecycle history, oldest first. */
        get: operations["list_lifecycle_events"];
        put?: never;
        /**
         * Change the lifecycle state. An action not allowed from the current state is 409 with the
         *     allowed ones in `allowed`. Publishing needs an endpoint and, unless every resource is open,
         *     a plan.
         */
        post: operations["create_lifecycle_event"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apis/{api_id}/openapi": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the OpenAPI document the API was imported from, as uploaded. */
        get: operations["find_openapi"];
        /**
         * Replace an API's resources (and, with `update_endpoints=true`, its endpoints) from a new
         *     OpenAPI document, which is stored in place of the old one.
         */
        put: operations["update_openapi"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apis/{api_id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Copy an API (resources, documents, plans, endpoints, OpenAPI document) into a new version in
         *     state CREATED.
         */
        post: operations["create_api_version"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's applications, oldest first. */
        get: operations["list_applications"];
        put?: never;
        /** Register an application. */
        post: operations["create_application"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{application_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of the caller's applications. */
        get: operations["find_application"];
        put?: never;
        post?: never;
        /** Delete an application: its keys and OAuth client stop working and its subscriptions end. */
        delete: operations["delete_application"];
        options?: never;
        head?: never;
        /** Change an application (`If-Match` supported). */
        patch: operations["update_application"];
        trace?: never;
    };
    "/api/v1/applications/{application_id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The application's API keys (never their secrets). */
        get: operations["list_keys"];
        put?: never;
        /** Create an API key. Its secret is in this response only. */
        post: operations["create_key"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{application_id}/keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key at once. */
        delete: operations["delete_key"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{application_id}/keys/{key_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate a key: a new key now, the old one valid for the grace period you choose. */
        post: operations["rotate_key"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/applications/{application_id}/oauth-client": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The application's OAuth client (without its secret). */
        get: operations["find_oauth_client"];
        put?: never;
        /** Create the application's OAuth client (client credentials). The secret is shown only here. */
        post: operations["create_oauth_client"];
        /** Delete the application's OAuth client; its tokens stop being issued (issued ones run out). */
        delete: operations["delete_oauth_client"];
        options?: never;
        head?: never;
        /**
         * Change the client's scopes and/or rotate its secret (`rotate_secret: true`; the new secret
         *     is in `client_secret`, shown only here).
         */
        patch: operations["update_oauth_client"];
        trace?: never;
    };
    "/api/v1/applications/{application_id}/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The application's subscriptions. */
        get: operations["list_application_subscriptions"];
        put?: never;
        /**
         * Subscribe the application to an API on one of the plans it offers. Plans that require
         *     approval start PENDING. DEPRECATED APIs take no new subscriptions; PROTOTYPED ones need none.
         */
        post: operations["create_subscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with email and password. Sets the `tg_session` cookie (HttpOnly, SameSite=Lax) and
         *     the `tg_csrf` cookie. Failed attempts are throttled per account and per client address.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the current portal session and clear its cookies. */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/signup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a developer account (self sign-up). The new account is a developer of the
         *     installation's sign-up organization.
         */
        post: operations["signup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/apis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The APIs you may see (anonymous visitors: public ones), in PUBLISHED, PROTOTYPED or
         *     DEPRECATED state.
         */
        get: operations["list_catalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/apis/{api_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An API's page: description, resources, versions, documents and plans. */
        get: operations["find_catalog_api"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/apis/{api_id}/documents/{document_id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the file of one of the API's public documents. */
        get: operations["find_catalog_document_content"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/apis/{api_id}/openapi": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The API's OpenAPI document (as JSON) with its servers pointing at the gateway, so a
         *     try-it console calls the gateway.
         */
        get: operations["find_catalog_openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Invoices with their lines for a range of billing periods. CSV: one row per line with the
         *     invoice's columns repeated (schema `InvoiceExportItem`): `invoice_id, invoice_number, org_id, customer_id,
         *     customer_email, period, period_start, period_end, currency, status, invoice_total_minor,
         *     line_position, subscription_id, api_id, api_name, api_version, application_id,
         *     application_name, plan_id, plan_name, kind, tier, description, quantity, unit_price_micros,
         *     prorated_seconds, period_seconds, amount_minor, amount`.
         */
        get: operations["export_invoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Usage per subscription, plan and UTC day, with the calls billed. CSV columns: `date,
         *     org_id, api_id, api_name, api_version, application_id, application_name, customer_id,
         *     customer_email, subscription_id, plan_id, plan_name, requests, billable_requests,
         *     client_errors, server_errors, limited, bytes_in, bytes_out` (the JSON items' fields).
         */
        get: operations["export_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gateway/nodes/{node_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** A node reports the revision it applied. */
        put: operations["update_gateway_node"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gateway/snapshot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The current snapshot for a gateway node: routes, credentials (hashed), subscriptions,
         *     plans, token keys — complete, or the changes after the node's revision.
         */
        get: operations["find_gateway_snapshot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gateway/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The revision each gateway node runs (operators). */
        get: operations["find_gateway_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gateway/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events: one `revision` event now and one whenever a new revision is deployed. */
        get: operations["stream_gateway_revisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/gateway/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A node's metered usage, in an idempotent batch. */
        post: operations["create_usage_batch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Invoices: yours, your organization's (`org`), or all (`all=true`, operators). Ordered by
         *     period, then id. Drafts follow usage: the biller recomputes the drafts of the current and the
         *     previous period every `billing_check_interval` (a minute by default); `computed_at` says when.
         */
        get: operations["list_invoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices/{invoice_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One invoice with its lines (a draft as of its `computed_at`). */
        get: operations["get_invoice"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices/{invoice_id}/finalize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finalize a draft after its period has ended: its lines are computed one last time and
         *     frozen, and it gets the organization's next invoice number. Finalizing a finalized invoice
         *     changes nothing. Drafts are also finalized automatically after `invoice_grace_period`.
         */
        post: operations["finalize_invoice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invoices/{invoice_id}/void": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Void an invoice (draft or finalized) with a reason. The customer is not billed for that
         *     period and currency by this organization; the invoice keeps its number and lines.
         */
        post: operations["void_invoice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's account and roles. */
        get: operations["find_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change the caller's password. Ends every other session and revokes every personal access
         *     token of the account.
         */
        put: operations["update_password"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's personal access tokens (without their secrets), oldest first. */
        get: operations["list_tokens"];
        put?: never;
        /**
         * Create a personal access token. Its secret is in this response only; use it as
         *     `Authorization: Bearer <secret>`.
         */
        post: operations["create_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/tokens/{token_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke one of the caller's tokens. Idempotent. */
        delete: operations["delete_token"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Organizations: all of them for operators, otherwise the caller's own. */
        get: operations["list_orgs"];
        put?: never;
        /** Create an organization (operators only). Add its admin with `POST /orgs/{org_id}/members`. */
        post: operations["create_org"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One organization the caller belongs to (or any, for operators). */
        get: operations["find_org"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/apis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's APIs, oldest first, filtered by state, tag, text and context. */
        get: operations["list_apis"];
        put?: never;
        /** Create an API in state CREATED. */
        post: operations["create_api"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/apis/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an API from an OpenAPI 2.0, 3.0 or 3.1 document (JSON or YAML), sent raw or as the
         *     `file` field of a multipart form. Resources come from its operations, endpoints from its
         *     servers (or `endpoints`), name, version and description from `info`. The document is kept
         *     and can be downloaded.
         */
        post: operations["import_api"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who changed what in the organization, oldest first. */
        get: operations["list_audit_log"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Members of an organization (its admins only). */
        get: operations["list_members"];
        put?: never;
        /**
         * Add a member: an existing account by email, or a new account. Adding an existing member
         *     again changes its role.
         */
        post: operations["create_member"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/members/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Change a member's role. The last admin cannot be demoted. */
        put: operations["update_member"];
        post?: never;
        /** Remove a member from the organization (the account remains). */
        delete: operations["delete_member"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An organization's plans, oldest first. */
        get: operations["list_plans"];
        put?: never;
        /** Create a business plan. */
        post: operations["create_plan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/revenue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the organization's APIs earned in a period, by API, currency and invoice status. */
        get: operations["org_revenue"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Subscriptions to the organization's APIs (publishers and admins), e.g. `?state=PENDING`. */
        get: operations["list_org_subscriptions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orgs/{org_id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's webhook endpoints, oldest first. */
        get: operations["list_webhooks"];
        put?: never;
        /** Register a webhook endpoint. The response carries its signing secret, shown only here. */
        post: operations["create_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/plans/{plan_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One plan. The `ETag` header is the plan's version, for `If-Match` on updates. */
        get: operations["find_plan"];
        put?: never;
        post?: never;
        /** Delete a plan that no API offers (409 otherwise: deprecate it instead). */
        delete: operations["delete_plan"];
        options?: never;
        head?: never;
        /**
         * Change a plan. Send `If-Match` with the ETag you read to avoid overwriting someone else's
         *     change (412 when stale). Deprecating a plan stops new subscriptions to it.
         */
        patch: operations["update_plan"];
        trace?: never;
    };
    "/api/v1/subscriptions/{subscription_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One subscription, for its owner or the API's publishers. */
        get: operations["find_subscription"];
        put?: never;
        post?: never;
        /** Unsubscribe (owner). The subscription ends at once. */
        delete: operations["delete_subscription"];
        options?: never;
        head?: never;
        /**
         * Change plan (owner). A plan that requires approval is recorded as `pending_plan_id` until a
         *     publisher approves; the current plan stays in force meanwhile.
         */
        patch: operations["update_subscription"];
        trace?: never;
    };
    "/api/v1/subscriptions/{subscription_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a PENDING subscription, or a pending plan change of an ACTIVE one. */
        post: operations["approve_subscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{subscription_id}/block": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Block an ACTIVE subscription: its calls are refused until unblocked. */
        post: operations["block_subscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{subscription_id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a PENDING subscription, with a reason. */
        post: operations["reject_subscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/subscriptions/{subscription_id}/unblock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unblock a BLOCKED subscription. */
        post: operations["unblock_subscription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/deliveries/{delivery_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One delivery with the document sent and every attempt. */
        get: operations["find_webhook_delivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/deliveries/{delivery_id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery's event again: a new pending delivery of the same event (same
         *     `Tollgate-Webhook-Id`) to the same endpoint, with its own attempts.
         */
        post: operations["resend_webhook_delivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint (never its secret). */
        get: operations["find_webhook"];
        put?: never;
        post?: never;
        /** Delete an endpoint with its delivery log; nothing more is sent to it. */
        delete: operations["delete_webhook"];
        options?: never;
        head?: never;
        /** Change an endpoint (`If-Match` supported): URL, description, event types, enabled. */
        patch: operations["update_webhook"];
        trace?: never;
    };
    "/api/v1/webhooks/{webhook_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The endpoint's deliveries, newest first; `?state=failed` to see what did not arrive. */
        get: operations["list_webhook_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhook_id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace the signing secret. The new one is in this response only and signs every attempt
         *     from now on, retries of older events included.
         */
        post: operations["rotate_webhook_secret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhook_id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a `ping` event to this endpoint (whatever it subscribes to) to check the receiver. */
        post: operations["test_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers. */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics in the text exposition format. */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth2/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Introspection (RFC 7662): any authenticated client may ask about a token. Revoked, expired
         *     or foreign tokens are `{"active": false}`.
         */
        post: operations["introspect_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth2/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revocation (RFC 7009): a client revokes its own tokens. Unknown or invalid tokens answer 200
         *     as the RFC requires; another client's token is refused.
         */
        post: operations["revoke_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth2/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The token endpoint only accepts POST (RFC 6749 §3.2). */
        get: operations["token_wrong_method"];
        put?: never;
        /**
         * Token endpoint: `grant_type=client_credentials`, client authentication by HTTP Basic or form
         *     fields, optional `scope`. Returns a signed JWT access token.
         */
        post: operations["create_access_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers and every migration is applied. */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/theme.css": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The theme's stylesheet, linked by every page of the portal. Revalidated at each load
         *     (`no-cache` with an ETag), so a change shows on the next page load.
         */
        get: operations["find_theme_css"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/theme/logo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The portal's logo: the operator's, or Tollgate's own. */
        get: operations["find_theme_logo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @example {
         *       "allowed_actions": [
         *         "publish",
         *         "deploy_as_prototype"
         *       ],
         *       "connect_timeout_ms": 5000,
         *       "context": "/petstore",
         *       "cors": {
         *         "allow_credentials": false,
         *         "allow_headers": [
         *           "apikey"
         *         ],
         *         "allow_methods": [
         *           "GET"
         *         ],
         *         "allow_origins": [
         *           "*"
         *         ],
         *         "enabled": false,
         *         "expose_headers": [],
         *         "max_age_secs": 600
         *       },
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "description": "Pets for sale",
         *       "endpoints": [
         *         {
         *           "url": "https://petstore.internal/v1",
         *           "weight": 1
         *         }
         *       ],
         *       "has_openapi_document": true,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "is_default": true,
         *       "name": "Petstore",
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "plan_ids": [
         *         "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *       ],
         *       "require_resubscription": false,
         *       "resources": [
         *         {
         *           "auth_required": true,
         *           "method": "GET",
         *           "path": "/pets/{petId}"
         *         }
         *       ],
         *       "response_timeout_ms": 30000,
         *       "state": "CREATED",
         *       "sunset_at": null,
         *       "tags": [
         *         "pets"
         *       ],
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "version": "1.0.0",
         *       "visibility": "public",
         *       "visible_roles": []
         *     }
         */
        ApiResponse: {
            id: string;
            org_id: string;
            /** @example Petstore */
            name: string;
            description: string;
            /** @example /petstore */
            context: string;
            /** @example 1.0.0 */
            version: string;
            /** @description Calls to `/{context}/…` without a version reach this version. */
            is_default: boolean;
            state: components["schemas"]["ApiState"];
            /** @description Lifecycle actions allowed from the current state. */
            allowed_actions: string[];
            tags: string[];
            visibility: components["schemas"]["Visibility"];
            visible_roles: string[];
            endpoints: components["schemas"]["Endpoint"][];
            resources: components["schemas"]["Resource"][];
            cors: components["schemas"]["Cors"];
            /** @description The plans this API offers. */
            plan_ids: string[];
            /** Format: int64 */
            connect_timeout_ms: number;
            /** Format: int64 */
            response_timeout_ms: number;
            /** @description Publishing a new version does not carry subscriptions over; developers subscribe again. */
            require_resubscription: boolean;
            /**
             * Format: date-time
             * @description Announced end of life (sent as `Sunset` while DEPRECATED).
             */
            sunset_at?: string | null;
            health_check?: components["schemas"]["HealthCheck"] | null;
            /** @description An OpenAPI document is stored (download at `/apis/{id}/openapi`). */
            has_openapi_document: boolean;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @description Notes from an import (skipped servers, unresolved references…). */
            warnings?: string[];
        };
        /** @enum {string} */
        ApiState: "CREATED" | "PROTOTYPED" | "PUBLISHED" | "BLOCKED" | "DEPRECATED" | "RETIRED";
        /**
         * @example {
         *       "context": "/petstore",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "description": "Pets for sale",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "is_default": true,
         *       "name": "Petstore",
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "state": "PUBLISHED",
         *       "tags": [
         *         "pets"
         *       ],
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "version": "1.0.0",
         *       "visibility": "public"
         *     }
         */
        ApiSummary: {
            id: string;
            org_id: string;
            name: string;
            description: string;
            context: string;
            version: string;
            is_default: boolean;
            state: components["schemas"]["ApiState"];
            tags: string[];
            visibility: components["schemas"]["Visibility"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * @example {
         *       "callback_url": "https://app.example.com/cb",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "description": "iOS and Android",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "name": "Mobile app",
         *       "token_lifetime_secs": 3600,
         *       "updated_at": "2026-11-29T21:00:00Z"
         *     }
         */
        ApplicationResponse: {
            id: string;
            /** @example Mobile app */
            name: string;
            description: string;
            callback_url?: string | null;
            /**
             * Format: int64
             * @description Lifetime of the access tokens its OAuth client gets, in seconds.
             */
            token_lifetime_secs: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * @example {
         *       "attempt": 1,
         *       "duration_ms": 120,
         *       "error": "HTTP 503: upstream unavailable",
         *       "started_at": "2026-11-29T21:00:00Z",
         *       "status_code": 503
         *     }
         */
        AttemptResponse: {
            /**
             * Format: int64
             * @description 1 for the first attempt.
             */
            attempt: number;
            /** Format: date-time */
            started_at: string;
            /** Format: int64 */
            duration_ms: number;
            /** Format: int64 */
            status_code?: number | null;
            error?: string | null;
        };
        /**
         * @example {
         *       "action": "member.added",
         *       "actor_email": "admin@acme.example",
         *       "actor_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "at": "2026-11-29T21:00:00Z",
         *       "details": {
         *         "email": "grace@acme.example",
         *         "role": "publisher"
         *       },
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "target_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "target_type": "user"
         *     }
         */
        AuditEntryResponse: {
            id: string;
            actor_id?: string | null;
            actor_email?: string | null;
            /** @example member.added */
            action: string;
            /** @example user */
            target_type: string;
            target_id: string;
            /** @description What changed. */
            details: Record<string, never>;
            /** Format: date-time */
            at: string;
        };
        /**
         * @example {
         *       "context": "/petstore",
         *       "description": "Pets for sale",
         *       "documents": [
         *         {
         *           "content": "# Hi",
         *           "file_name": null,
         *           "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "source": "inline",
         *           "title": "Getting started",
         *           "type": "how_to",
         *           "url": null
         *         }
         *       ],
         *       "gateway_url": "http://127.0.0.1:8280/petstore/1.0.0",
         *       "has_openapi_document": true,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "is_default": true,
         *       "name": "Petstore",
         *       "plans": [],
         *       "prototype": false,
         *       "resources": [
         *         {
         *           "auth_required": true,
         *           "method": "GET",
         *           "path": "/pets"
         *         }
         *       ],
         *       "state": "PUBLISHED",
         *       "tags": [
         *         "pets"
         *       ],
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "version": "1.0.0",
         *       "versions": [],
         *       "visibility": "public"
         *     }
         */
        CatalogApiDetail: components["schemas"]["CatalogApiSummary"] & {
            resources: components["schemas"]["Resource"][];
            /** @description Other versions of the same context you may see. */
            versions: components["schemas"]["CatalogApiSummary"][];
            documents: components["schemas"]["CatalogDocument"][];
            /** @description Plans to subscribe on, with their limits and prices. */
            plans: components["schemas"]["PlanResponse"][];
            /** @description An OpenAPI document can be fetched at `/catalog/apis/{id}/openapi`. */
            has_openapi_document: boolean;
        };
        /**
         * @example {
         *       "context": "/petstore",
         *       "description": "Pets for sale",
         *       "gateway_url": "http://127.0.0.1:8280/petstore/1.0.0",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "is_default": true,
         *       "name": "Petstore",
         *       "prototype": false,
         *       "state": "PUBLISHED",
         *       "tags": [
         *         "pets"
         *       ],
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "version": "1.0.0",
         *       "visibility": "public"
         *     }
         */
        CatalogApiSummary: {
            id: string;
            name: string;
            description: string;
            context: string;
            version: string;
            is_default: boolean;
            state: components["schemas"]["ApiState"];
            /** @description PROTOTYPED: callable for trying out, without a subscription. */
            prototype: boolean;
            tags: string[];
            visibility: components["schemas"]["Visibility"];
            /**
             * @description Where to call it through the gateway.
             * @example http://127.0.0.1:8280/petstore/1.0.0
             */
            gateway_url: string;
            /** Format: date-time */
            updated_at: string;
        };
        CatalogDocument: {
            id: string;
            title: string;
            type: string;
            source: string;
            content?: string | null;
            url?: string | null;
            file_name?: string | null;
        };
        /**
         * @example {
         *       "items": [
         *         {
         *           "context": "/petstore",
         *           "description": "Pets for sale",
         *           "gateway_url": "http://127.0.0.1:8280/petstore/1.0.0",
         *           "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "is_default": true,
         *           "name": "Petstore",
         *           "prototype": false,
         *           "state": "PUBLISHED",
         *           "tags": [
         *             "pets"
         *           ],
         *           "updated_at": "2026-11-29T21:00:00Z",
         *           "version": "1.0.0",
         *           "visibility": "public"
         *         }
         *       ],
         *       "next_cursor": null
         *     }
         */
        CatalogPage: {
            items: components["schemas"]["CatalogApiSummary"][];
            next_cursor?: string | null;
        };
        /**
         * @description CORS policy the gateway applies (and answers preflights with).
         * @example {
         *       "allow_credentials": false,
         *       "allow_headers": [
         *         "authorization",
         *         "content-type",
         *         "apikey"
         *       ],
         *       "allow_methods": [
         *         "GET",
         *         "POST"
         *       ],
         *       "allow_origins": [
         *         "https://app.example.com"
         *       ],
         *       "enabled": true,
         *       "expose_headers": [],
         *       "max_age_secs": 600
         *     }
         */
        Cors: {
            /** @default false */
            enabled: boolean;
            /**
             * @description Origins allowed, or `["*"]`.
             * @default [
             *       "*"
             *     ]
             */
            allow_origins: string[];
            /**
             * @default [
             *       "GET",
             *       "POST",
             *       "PUT",
             *       "PATCH",
             *       "DELETE",
             *       "HEAD",
             *       "OPTIONS"
             *     ]
             */
            allow_methods: string[];
            /**
             * @default [
             *       "authorization",
             *       "content-type",
             *       "apikey",
             *       "x-api-key"
             *     ]
             */
            allow_headers: string[];
            /** @default [] */
            expose_headers: string[];
            /** @default false */
            allow_credentials: boolean;
            /**
             * Format: int32
             * @default 600
             */
            max_age_secs: number;
        };
        /**
         * @example {
         *       "context": "/petstore",
         *       "description": "Pets for sale",
         *       "endpoints": [
         *         {
         *           "url": "https://petstore.internal/v1",
         *           "weight": 1
         *         }
         *       ],
         *       "name": "Petstore",
         *       "plan_ids": [
         *         "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *       ],
         *       "resources": [
         *         {
         *           "method": "GET",
         *           "path": "/pets"
         *         },
         *         {
         *           "method": "GET",
         *           "path": "/pets/{petId}"
         *         }
         *       ],
         *       "tags": [
         *         "pets"
         *       ],
         *       "version": "1.0.0",
         *       "visibility": "public"
         *     }
         */
        CreateApiRequest: {
            name: string;
            description?: string;
            context: string;
            version: string;
            /** @description Make this the default version of its context (the first version always is). */
            is_default?: boolean;
            tags?: string[];
            visibility?: components["schemas"]["Visibility"] | null;
            /** @description Role names (admin, publisher, developer) when visibility is `roles`. */
            visible_roles?: string[];
            endpoints?: components["schemas"]["Endpoint"][];
            /** @description Default: GET, POST, PUT, PATCH and DELETE on `/*`, all requiring a credential. */
            resources?: components["schemas"]["Resource"][];
            cors?: components["schemas"]["Cors"] | null;
            plan_ids?: string[];
            /** Format: int64 */
            connect_timeout_ms?: number | null;
            /** Format: int64 */
            response_timeout_ms?: number | null;
            require_resubscription?: boolean;
            /** Format: date-time */
            sunset_at?: string | null;
            health_check?: components["schemas"]["HealthCheck"] | null;
        };
        /**
         * @example {
         *       "callback_url": "https://app.example.com/cb",
         *       "description": "iOS and Android",
         *       "name": "Mobile app"
         *     }
         */
        CreateApplicationRequest: {
            name: string;
            description?: string;
            callback_url?: string | null;
            /**
             * Format: int64
             * @description Seconds, at most the installation's `oauth_max_token_lifetime` (default: that maximum).
             */
            token_lifetime_secs?: number | null;
        };
        /**
         * @example {
         *       "content": "# Getting started\n\nSubscribe, then send your key in the `apikey` header.",
         *       "source": "inline",
         *       "title": "Getting started",
         *       "type": "how_to"
         *     }
         */
        CreateDocumentRequest: {
            title: string;
            type: string;
            /** @description Default same_as_api. */
            visibility?: string | null;
            source: string;
            /** @description Markdown, for source inline. */
            content?: string | null;
            /** @description http(s) link, for source url. */
            url?: string | null;
            /**
             * Format: int64
             * @description Position in the list (default: last).
             */
            position?: number | null;
        };
        /**
         * @example {
         *       "expires_at": "2027-12-31T00:00:00Z",
         *       "name": "production"
         *     }
         */
        CreateKeyRequest: {
            name: string;
            /**
             * Format: date-time
             * @description No expiry when absent.
             */
            expires_at?: string | null;
        };
        /**
         * @example {
         *       "display_name": "Grace",
         *       "email": "grace@acme.example",
         *       "role": "publisher"
         *     }
         */
        CreateMemberRequest: {
            email: string;
            role: components["schemas"]["Role"];
            /** @description For a new account; defaults to the email's local part. */
            display_name?: string | null;
            /** @description For a new account; when absent a random password is generated and returned once. */
            password?: string | null;
        };
        /**
         * @example {
         *       "name": "Acme Corporation",
         *       "slug": "acme"
         *     }
         */
        CreateOrgRequest: {
            /** @description 2 to 40 characters of a-z, 0-9 and -. */
            slug: string;
            name: string;
        };
        /**
         * @example {
         *       "currency": "USD",
         *       "description": "1,000 calls included, then 0.2 cents per call",
         *       "name": "Pay as you go",
         *       "pricing": {
         *         "included_calls": 1000,
         *         "model": "per_call",
         *         "price_micros": 2000
         *       },
         *       "quota": {
         *         "period": "month",
         *         "requests": 1000000
         *       },
         *       "rate_limit": {
         *         "burst": 100,
         *         "period": "second",
         *         "requests": 50
         *       },
         *       "requires_approval": false
         *     }
         */
        CreatePlanRequest: {
            name: string;
            description?: string;
            rate_limit?: components["schemas"]["RateLimit"] | null;
            quota?: components["schemas"]["Quota"] | null;
            pricing?: components["schemas"]["Pricing"] | null;
            /** @description ISO 4217; default USD. */
            currency?: string | null;
            requires_approval?: boolean;
        };
        /**
         * @example {
         *       "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f"
         *     }
         */
        CreateSubscriptionRequest: {
            api_id: string;
            plan_id: string;
        };
        /**
         * @example {
         *       "expires_in_days": 30,
         *       "name": "ci deploy"
         *     }
         */
        CreateTokenRequest: {
            /** @description 1 to 100 characters. */
            name: string;
            /**
             * Format: int32
             * @description Lifetime in days (default 90), at most the installation's `token_max_ttl`.
             */
            expires_in_days?: number | null;
        };
        /**
         * @example {
         *       "version": "2.0.0"
         *     }
         */
        CreateVersionRequest: {
            version: string;
        };
        /**
         * @example {
         *       "description": "ERP sync",
         *       "event_types": [
         *         "invoice.finalized",
         *         "subscription.created",
         *         "subscription.changed",
         *         "subscription.ended"
         *       ],
         *       "url": "https://billing.example.com/hooks/tollgate"
         *     }
         */
        CreateWebhookRequest: {
            /** @description http:// or https:// URL without credentials, at most 2048 characters. */
            url: string;
            description?: string;
            event_types: string[];
            /** @description Default true. */
            enabled?: boolean | null;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "expires_at": null,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "name": "production",
         *       "prefix": "tg_a1B2",
         *       "revoked_at": null,
         *       "rotated_to": null,
         *       "secret": "tg_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0"
         *     }
         */
        CreatedKeyResponse: components["schemas"]["KeyResponse"] & {
            /**
             * @description The API key. Shown only in this response; send it in the `apikey` header.
             * @example tg_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0
             */
            secret: string;
        };
        /**
         * @example {
         *       "display_name": "Grace",
         *       "email": "grace@acme.example",
         *       "initial_password": "x7Kp2mQ9vL4nR8sT1wY6zB3c",
         *       "joined_at": "2026-11-29T21:00:00Z",
         *       "role": "publisher",
         *       "user_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *     }
         */
        CreatedMemberResponse: components["schemas"]["MemberResponse"] & {
            /** @description Set only when a new account was created with a generated password: shown only now. */
            initial_password?: string | null;
        };
        /**
         * @example {
         *       "client_id": "tgi_4fJ9kQ2mX7pL1sV8",
         *       "client_secret": "tgo_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "scopes": [
         *         "default"
         *       ],
         *       "secret_prefix": "tgo_a1B2",
         *       "secret_rotated_at": null
         *     }
         */
        CreatedOAuthClientResponse: components["schemas"]["OAuthClientResponse"] & {
            /** @description Shown only in this response. */
            client_secret: string;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "expires_at": "2027-02-27T21:00:00Z",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "last_used_at": null,
         *       "name": "ci deploy",
         *       "prefix": "tgp_a1B2",
         *       "revoked_at": null,
         *       "secret": "tgp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0"
         *     }
         */
        CreatedTokenResponse: components["schemas"]["TokenResponse"] & {
            /**
             * @description The token itself. Shown only in this response; store it now.
             * @example tgp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0
             */
            secret: string;
        };
        /**
         * @example {
         *       "attempt_log": [
         *         {
         *           "attempt": 1,
         *           "duration_ms": 120,
         *           "error": "HTTP 503",
         *           "started_at": "2026-11-29T21:00:00Z",
         *           "status_code": 503
         *         },
         *         {
         *           "attempt": 2,
         *           "duration_ms": 80,
         *           "error": null,
         *           "started_at": "2026-11-29T21:00:31Z",
         *           "status_code": 200
         *         }
         *       ],
         *       "attempts": 2,
         *       "completed_at": "2026-11-29T21:00:31Z",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "event_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61",
         *       "event_type": "subscription.created",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
         *       "last_error": null,
         *       "last_status_code": 200,
         *       "next_attempt_at": null,
         *       "payload": {
         *         "created_at": "2026-11-29T21:00:00Z",
         *         "data": {},
         *         "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61",
         *         "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *         "type": "subscription.created"
         *       },
         *       "resent_from": null,
         *       "state": "succeeded",
         *       "updated_at": "2026-11-29T21:00:31Z",
         *       "webhook_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *     }
         */
        DeliveryDetailResponse: components["schemas"]["DeliveryResponse"] & {
            /** @description The JSON document POSTed (`{id, type, created_at, org_id, data}`). */
            payload: Record<string, never>;
            /** @description Every attempt, oldest first. */
            attempt_log: components["schemas"]["AttemptResponse"][];
        };
        /**
         * @example {
         *       "attempts": 1,
         *       "completed_at": null,
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "event_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61",
         *       "event_type": "subscription.created",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
         *       "last_error": "HTTP 503: upstream unavailable",
         *       "last_status_code": 503,
         *       "next_attempt_at": "2026-11-29T21:00:30Z",
         *       "resent_from": null,
         *       "state": "pending",
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "webhook_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *     }
         */
        DeliveryResponse: {
            id: string;
            webhook_id: string;
            /** @description Also sent as `Tollgate-Webhook-Id`: the same on every retry and re-send. */
            event_id: string;
            event_type: string;
            /** @description `pending`, `succeeded` or `failed`. */
            state: string;
            /**
             * Format: int64
             * @description Attempts made so far.
             */
            attempts: number;
            /**
             * Format: date-time
             * @description While pending: when the next attempt is due.
             */
            next_attempt_at?: string | null;
            /**
             * Format: int64
             * @description HTTP status of the last attempt (none when no response came).
             */
            last_status_code?: number | null;
            /** @description Why the last attempt failed (truncated). */
            last_error?: string | null;
            /** @description The delivery this one re-sends. */
            resent_from?: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            completed_at?: string | null;
        };
        /** @enum {string} */
        Dimension: "api" | "application";
        /**
         * @example {
         *       "items": [
         *         {
         *           "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "content": "# Getting started",
         *           "content_type": null,
         *           "created_at": "2026-11-29T21:00:00Z",
         *           "file_name": null,
         *           "file_size": null,
         *           "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "position": 0,
         *           "source": "inline",
         *           "title": "Getting started",
         *           "type": "how_to",
         *           "updated_at": "2026-11-29T21:00:00Z",
         *           "url": null,
         *           "visibility": "same_as_api"
         *         }
         *       ]
         *     }
         */
        DocumentList: {
            items: components["schemas"]["DocumentResponse"][];
        };
        /**
         * @example {
         *       "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "content": "# Getting started",
         *       "content_type": null,
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "file_name": null,
         *       "file_size": null,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "position": 0,
         *       "source": "inline",
         *       "title": "Getting started",
         *       "type": "how_to",
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "url": null,
         *       "visibility": "same_as_api"
         *     }
         */
        DocumentResponse: {
            id: string;
            api_id: string;
            /** Format: int64 */
            position: number;
            /** @example Getting started */
            title: string;
            /**
             * @description how_to, sample, faq, reference or other.
             * @example how_to
             */
            type: string;
            /**
             * @description same_as_api (shown in the developer portal with the API) or private (publishers only).
             * @example same_as_api
             */
            visibility: string;
            /**
             * @description inline (markdown in `content`), url (a link), or file (download at `…/content`).
             * @example inline
             */
            source: string;
            content?: string | null;
            url?: string | null;
            file_name?: string | null;
            content_type?: string | null;
            /** Format: int64 */
            file_size?: number | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * @description A backend the gateway forwards to, chosen by weight.
         * @example {
         *       "url": "https://petstore.internal:8443/v1",
         *       "weight": 1
         *     }
         */
        Endpoint: {
            /** @description Absolute http or https URL; its path is the prefix the gateway forwards to. */
            url: string;
            /**
             * Format: int32
             * @description Relative share of traffic, 1–1000 (default 1).
             */
            weight?: number;
        };
        /** @description One field-level validation message; `pointer` is a JSON pointer into the request body. */
        FieldError: {
            pointer: string;
            message: string;
        };
        /** @enum {string} */
        Format: "json" | "csv";
        GatewayNodeStatus: {
            node_id: string;
            name: string;
            /**
             * Format: int64
             * @description The config revision the node runs.
             */
            revision: number;
            /** Format: date-time */
            started_at: string;
            /** Format: date-time */
            last_seen: string;
            /** @description Runs the current revision. */
            current: boolean;
        };
        /**
         * @example {
         *       "embedded_revision": 42,
         *       "nodes": [
         *         {
         *           "current": true,
         *           "last_seen": "2026-11-29T21:00:00Z",
         *           "name": "edge-1",
         *           "node_id": "node-0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "revision": 42,
         *           "started_at": "2026-11-29T21:00:00Z"
         *         }
         *       ],
         *       "revision": 42
         *     }
         */
        GatewayStatus: {
            /**
             * Format: int64
             * @description The control plane's config revision.
             */
            revision: number;
            /**
             * Format: int64
             * @description The revision the embedded gateway of this control-plane process runs.
             */
            embedded_revision: number;
            nodes: components["schemas"]["GatewayNodeStatus"][];
        };
        /** @enum {string} */
        Granularity: "minute" | "hour" | "day";
        /** @description What a series is grouped by (fields not grouped by are absent). */
        GroupKey: {
            api_context?: string | null;
            api_name?: string | null;
            api_id?: string | null;
            api_version?: string | null;
            application_id?: string | null;
            application_name?: string | null;
            subscription_id?: string | null;
            plan_id?: string | null;
            plan_name?: string | null;
        };
        /**
         * @description Active health checking of an API's endpoints: every `interval_secs` each gateway sends
         *     `GET {endpoint url}{path}`; an endpoint that fails `unhealthy_threshold` probes in a row (no
         *     answer within `timeout_ms`, or a status outside 200–399) gets no traffic until it passes
         *     `healthy_threshold` in a row. Works beside passive ejection; when no endpoint is in service
         *     the gateway still tries one rather than refuse unheard.
         * @example {
         *       "healthy_threshold": 2,
         *       "interval_secs": 10,
         *       "path": "/healthz",
         *       "timeout_ms": 2000,
         *       "unhealthy_threshold": 2
         *     }
         */
        HealthCheck: {
            /** @description Path probed below each endpoint's URL, starting with `/`. */
            path: string;
            /**
             * Format: int32
             * @description Seconds between probes, 1–3600 (default 10).
             */
            interval_secs?: number;
            /**
             * Format: int32
             * @description How long a probe may take, 1–60000 ms (default 2000).
             */
            timeout_ms?: number;
            /**
             * Format: int32
             * @description Failed probes in a row that take an endpoint out, 1–100 (default 2).
             */
            unhealthy_threshold?: number;
            /**
             * Format: int32
             * @description Passed probes in a row that bring it back, 1–100 (default 2).
             */
            healthy_threshold?: number;
        };
        /**
         * @example {
         *       "computed_at": "2026-12-04T00:00:00Z",
         *       "currency": "USD",
         *       "customer_email": "dev@example.com",
         *       "customer_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
         *       "finalized_at": "2026-12-04T00:00:00Z",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "lines": [],
         *       "number": 42,
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *       "period": "2026-11",
         *       "period_end": "2026-12-01T00:00:00Z",
         *       "period_start": "2026-11-01T00:00:00Z",
         *       "status": "finalized",
         *       "total": "123.45",
         *       "total_minor": 12345,
         *       "void_reason": null,
         *       "voided_at": null
         *     }
         */
        Invoice: {
            id: string;
            /** @description The issuing organization (the APIs' publisher). */
            org_id: string;
            /** @description The developer account billed. */
            customer_id: string;
            customer_email: string;
            period: string;
            /** Format: date-time */
            period_start: string;
            /** Format: date-time */
            period_end: string;
            currency: string;
            /** @description `draft` (follows usage), `finalized` (immutable) or `void`. */
            status: string;
            /**
             * Format: int64
             * @description Sequential per organization, given at finalization.
             */
            number?: number | null;
            /** Format: int64 */
            total_minor: number;
            total: string;
            /**
             * Format: date-time
             * @description When the lines were last computed.
             */
            computed_at: string;
            /** Format: date-time */
            finalized_at?: string | null;
            /** Format: date-time */
            voided_at?: string | null;
            void_reason?: string | null;
            /** @description The lines (in lists: omitted unless `lines=true`). */
            lines?: components["schemas"]["InvoiceLine"][] | null;
        };
        /**
         * @description One invoice line with its invoice. CSV columns, in order: the fields below.
         * @example {
         *       "amount": "10.00",
         *       "amount_minor": 1000,
         *       "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d62",
         *       "api_name": "Petstore",
         *       "api_version": "v1",
         *       "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d63",
         *       "application_name": "Mobile app",
         *       "currency": "USD",
         *       "customer_email": "dev@example.com",
         *       "customer_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
         *       "description": "Fee for the period",
         *       "invoice_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "invoice_number": 42,
         *       "invoice_total_minor": 12345,
         *       "kind": "fee",
         *       "line_position": 1,
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *       "period": "2026-11",
         *       "period_end": "2026-12-01T00:00:00Z",
         *       "period_seconds": 2592000,
         *       "period_start": "2026-11-01T00:00:00Z",
         *       "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d64",
         *       "plan_name": "Gold",
         *       "prorated_seconds": 2592000,
         *       "quantity": 1,
         *       "status": "finalized",
         *       "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61",
         *       "tier": null,
         *       "unit_price_micros": 10000000
         *     }
         */
        InvoiceExportItem: {
            invoice_id: string;
            /** Format: int64 */
            invoice_number?: number | null;
            org_id: string;
            customer_id: string;
            customer_email: string;
            period: string;
            period_start: string;
            period_end: string;
            currency: string;
            status: string;
            /** Format: int64 */
            invoice_total_minor: number;
            /** Format: int64 */
            line_position: number;
            subscription_id: string;
            api_id: string;
            api_name: string;
            api_version: string;
            application_id: string;
            application_name: string;
            plan_id: string;
            plan_name: string;
            kind: string;
            /** Format: int64 */
            tier?: number | null;
            description: string;
            /** Format: int64 */
            quantity: number;
            /** Format: int64 */
            unit_price_micros: number;
            /** Format: int64 */
            prorated_seconds?: number | null;
            /** Format: int64 */
            period_seconds?: number | null;
            /** Format: int64 */
            amount_minor: number;
            amount: string;
        };
        /**
         * @example {
         *       "amount": "2.51",
         *       "amount_minor": 251,
         *       "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *       "api_name": "Petstore",
         *       "api_version": "v1",
         *       "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
         *       "application_name": "Mobile app",
         *       "description": "1003 calls above 1000 included",
         *       "kind": "usage",
         *       "period_seconds": null,
         *       "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61",
         *       "plan_name": "Gold",
         *       "position": 2,
         *       "prorated_seconds": null,
         *       "quantity": 1003,
         *       "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "tier": null,
         *       "unit_price_micros": 2500
         *     }
         */
        InvoiceLine: {
            /** Format: int64 */
            position: number;
            subscription_id: string;
            api_id: string;
            api_name: string;
            api_version: string;
            application_id: string;
            application_name: string;
            plan_id: string;
            plan_name: string;
            /**
             * @description `fee` (the plan's fee, prorated), `usage` (calls above the included ones) or `tier`
             *     (calls in one graduated tier).
             * @example usage
             */
            kind: string;
            /**
             * Format: int64
             * @description Tier number (from 1) for `tier` lines.
             */
            tier?: number | null;
            description: string;
            /** Format: int64 */
            quantity: number;
            /**
             * Format: int64
             * @description Price per unit in millionths of the currency unit.
             */
            unit_price_micros: number;
            /**
             * Format: int64
             * @description For fee lines: seconds on the plan within the period, and the period's length.
             */
            prorated_seconds?: number | null;
            /** Format: int64 */
            period_seconds?: number | null;
            /**
             * Format: int64
             * @description `round_half_even(quantity × unit_price × prorated/period)` in minor units.
             */
            amount_minor: number;
            /** @description The amount as a decimal string. */
            amount: string;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "expires_at": null,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "name": "production",
         *       "prefix": "tg_a1B2",
         *       "revoked_at": null,
         *       "rotated_to": null
         *     }
         */
        KeyResponse: {
            id: string;
            name: string;
            /**
             * @description The first characters of the key, to recognise it.
             * @example tg_a1B2
             */
            prefix: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at?: string | null;
            /** Format: date-time */
            revoked_at?: string | null;
            /** @description The key that replaced this one in a rotation. */
            rotated_to?: string | null;
        };
        /** @description Latency percentiles in milliseconds, estimated from the gateway's fixed-bucket histograms. */
        Latency: {
            /** Format: double */
            p50_ms?: number | null;
            /** Format: double */
            p95_ms?: number | null;
            /** Format: double */
            p99_ms?: number | null;
            /** Format: double */
            mean_ms?: number | null;
        };
        /** @enum {string} */
        LifecycleAction: "publish" | "deploy_as_prototype" | "demote_to_created" | "block" | "deprecate" | "retire" | "republish";
        /**
         * @example {
         *       "action": "publish",
         *       "actor_email": "grace@acme.example",
         *       "actor_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "at": "2026-11-29T21:00:00Z",
         *       "from": "CREATED",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "options": {
         *         "deprecate_previous_versions": false,
         *         "require_resubscription": null
         *       },
         *       "reason": "v1 is ready",
         *       "to": "PUBLISHED"
         *     }
         */
        LifecycleEventResponse: {
            id: string;
            from: components["schemas"]["ApiState"];
            to: components["schemas"]["ApiState"];
            action: string;
            actor_id?: string | null;
            actor_email?: string | null;
            reason: string;
            options: Record<string, never>;
            /** Format: date-time */
            at: string;
        };
        /**
         * @example {
         *       "action": "publish",
         *       "deprecate_previous_versions": true,
         *       "reason": "v2 is ready"
         *     }
         */
        LifecycleRequest: {
            action: components["schemas"]["LifecycleAction"];
            reason?: string;
            /** @description On publish: move the other PUBLISHED versions of this context to DEPRECATED. */
            deprecate_previous_versions?: boolean;
            /** @description On publish: subscriptions to earlier versions are not carried over. */
            require_resubscription?: boolean | null;
        };
        /**
         * @example {
         *       "email": "ada@example.org",
         *       "password": "correct horse battery"
         *     }
         */
        LoginRequest: {
            email: string;
            password: string;
        };
        /**
         * @example {
         *       "csrf_token": "tgc_9xZk3LqP0aBcDeFgHiJkLmNoPqRsTuVwXyZ01234",
         *       "expires_at": "2026-11-30T09:00:00Z",
         *       "user": {
         *         "created_at": "2026-11-29T21:00:00Z",
         *         "display_name": "Ada",
         *         "email": "ada@example.org",
         *         "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *       }
         *     }
         */
        LoginResponse: {
            user: components["schemas"]["UserResponse"];
            /**
             * @description Send this in `X-CSRF-Token` on every cookie-authenticated write. Also set as the
             *     `tg_csrf` cookie.
             */
            csrf_token: string;
            /** Format: date-time */
            expires_at: string;
        };
        /**
         * @example {
         *       "authenticated_by": "session",
         *       "memberships": [
         *         {
         *           "operator": false,
         *           "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "org_name": "Acme",
         *           "org_slug": "acme",
         *           "role": "developer"
         *         }
         *       ],
         *       "user": {
         *         "created_at": "2026-11-29T21:00:00Z",
         *         "display_name": "Ada",
         *         "email": "ada@example.org",
         *         "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *       }
         *     }
         */
        MeResponse: {
            user: components["schemas"]["UserResponse"];
            memberships: components["schemas"]["MembershipResponse"][];
            /**
             * @description `session` or `token`.
             * @example session
             */
            authenticated_by: string;
        };
        /**
         * @example {
         *       "display_name": "Grace",
         *       "email": "grace@acme.example",
         *       "joined_at": "2026-11-29T21:00:00Z",
         *       "role": "publisher",
         *       "user_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *     }
         */
        MemberResponse: {
            user_id: string;
            email: string;
            display_name: string;
            role: components["schemas"]["Role"];
            /** Format: date-time */
            joined_at: string;
        };
        /**
         * @example {
         *       "operator": false,
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "org_name": "Acme",
         *       "org_slug": "acme",
         *       "role": "publisher"
         *     }
         */
        MembershipResponse: {
            org_id: string;
            org_slug: string;
            org_name: string;
            role: components["schemas"]["Role"];
            /** @description The organization operates this installation (its admins administer everything). */
            operator: boolean;
        };
        /**
         * @description A node reports the revision it applied (`PUT /api/v1/gateway/nodes/{node_id}`).
         * @example {
         *       "name": "edge-1",
         *       "revision": 42
         *     }
         */
        NodeAck: {
            name: string;
            /**
             * Format: int64
             * @description The revision the node now serves.
             */
            revision: number;
        };
        /**
         * @example {
         *       "scopes": [
         *         "read",
         *         "write"
         *       ]
         *     }
         */
        OAuthClientRequest: {
            /** @description Scopes the client may ask for (default `["default"]`). */
            scopes?: string[] | null;
            /** @description On update: issue a new secret (the old one stops working at once). */
            rotate_secret?: boolean;
        };
        /**
         * @example {
         *       "client_id": "tgi_4fJ9kQ2mX7pL1sV8",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "scopes": [
         *         "default"
         *       ],
         *       "secret_prefix": "tgo_a1B2",
         *       "secret_rotated_at": null
         *     }
         */
        OAuthClientResponse: {
            /** @example tgi_4fJ9kQ2mX7pL1sV8 */
            client_id: string;
            /** @example tgo_a1B2 */
            secret_prefix: string;
            /** @description Scopes the client may ask for. */
            scopes: string[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            secret_rotated_at?: string | null;
        };
        /** @description An RFC 6749 §5.2 error. */
        OAuthError: {
            /** @example invalid_client */
            error: string;
            error_description: string;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "name": "Acme Corporation",
         *       "operator": false,
         *       "slug": "acme",
         *       "updated_at": "2026-11-29T21:00:00Z"
         *     }
         */
        OrgResponse: {
            id: string;
            /** @example acme */
            slug: string;
            /** @example Acme Corporation */
            name: string;
            /** @description This organization operates the installation. */
            operator: boolean;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /** @description One page of a list. */
        Page_ApiSummary: {
            items: {
                id: string;
                org_id: string;
                name: string;
                description: string;
                context: string;
                version: string;
                is_default: boolean;
                state: components["schemas"]["ApiState"];
                tags: string[];
                visibility: components["schemas"]["Visibility"];
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_ApplicationResponse: {
            items: {
                id: string;
                /** @example Mobile app */
                name: string;
                description: string;
                callback_url?: string | null;
                /**
                 * Format: int64
                 * @description Lifetime of the access tokens its OAuth client gets, in seconds.
                 */
                token_lifetime_secs: number;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_AuditEntryResponse: {
            items: {
                id: string;
                actor_id?: string | null;
                actor_email?: string | null;
                /** @example member.added */
                action: string;
                /** @example user */
                target_type: string;
                target_id: string;
                /** @description What changed. */
                details: Record<string, never>;
                /** Format: date-time */
                at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_DeliveryResponse: {
            items: {
                id: string;
                webhook_id: string;
                /** @description Also sent as `Tollgate-Webhook-Id`: the same on every retry and re-send. */
                event_id: string;
                event_type: string;
                /** @description `pending`, `succeeded` or `failed`. */
                state: string;
                /**
                 * Format: int64
                 * @description Attempts made so far.
                 */
                attempts: number;
                /**
                 * Format: date-time
                 * @description While pending: when the next attempt is due.
                 */
                next_attempt_at?: string | null;
                /**
                 * Format: int64
                 * @description HTTP status of the last attempt (none when no response came).
                 */
                last_status_code?: number | null;
                /** @description Why the last attempt failed (truncated). */
                last_error?: string | null;
                /** @description The delivery this one re-sends. */
                resent_from?: string | null;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
                /** Format: date-time */
                completed_at?: string | null;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_Invoice: {
            items: {
                id: string;
                /** @description The issuing organization (the APIs' publisher). */
                org_id: string;
                /** @description The developer account billed. */
                customer_id: string;
                customer_email: string;
                period: string;
                /** Format: date-time */
                period_start: string;
                /** Format: date-time */
                period_end: string;
                currency: string;
                /** @description `draft` (follows usage), `finalized` (immutable) or `void`. */
                status: string;
                /**
                 * Format: int64
                 * @description Sequential per organization, given at finalization.
                 */
                number?: number | null;
                /** Format: int64 */
                total_minor: number;
                total: string;
                /**
                 * Format: date-time
                 * @description When the lines were last computed.
                 */
                computed_at: string;
                /** Format: date-time */
                finalized_at?: string | null;
                /** Format: date-time */
                voided_at?: string | null;
                void_reason?: string | null;
                /** @description The lines (in lists: omitted unless `lines=true`). */
                lines?: components["schemas"]["InvoiceLine"][] | null;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_KeyResponse: {
            items: {
                id: string;
                name: string;
                /**
                 * @description The first characters of the key, to recognise it.
                 * @example tg_a1B2
                 */
                prefix: string;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                expires_at?: string | null;
                /** Format: date-time */
                revoked_at?: string | null;
                /** @description The key that replaced this one in a rotation. */
                rotated_to?: string | null;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_LifecycleEventResponse: {
            items: {
                id: string;
                from: components["schemas"]["ApiState"];
                to: components["schemas"]["ApiState"];
                action: string;
                actor_id?: string | null;
                actor_email?: string | null;
                reason: string;
                options: Record<string, never>;
                /** Format: date-time */
                at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_MemberResponse: {
            items: {
                user_id: string;
                email: string;
                display_name: string;
                role: components["schemas"]["Role"];
                /** Format: date-time */
                joined_at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_OrgResponse: {
            items: {
                id: string;
                /** @example acme */
                slug: string;
                /** @example Acme Corporation */
                name: string;
                /** @description This organization operates the installation. */
                operator: boolean;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_PlanResponse: {
            items: {
                id: string;
                org_id: string;
                /** @example Gold */
                name: string;
                description: string;
                rate_limit?: components["schemas"]["RateLimit"] | null;
                quota?: components["schemas"]["Quota"] | null;
                pricing: components["schemas"]["Pricing"];
                /** @example USD */
                currency: string;
                requires_approval: boolean;
                /** @description A deprecated plan keeps its subscriptions but takes no new ones. */
                deprecated: boolean;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_SubscriptionResponse: {
            items: {
                id: string;
                application_id: string;
                application_name: string;
                api_id: string;
                api_name: string;
                api_context: string;
                api_version: string;
                plan_id: string;
                /** @description A plan change waiting for the publisher's approval. */
                pending_plan_id?: string | null;
                /**
                 * @description PENDING, ACTIVE, BLOCKED, REJECTED or ENDED.
                 * @example ACTIVE
                 */
                state: string;
                reason: string;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
                /** Format: date-time */
                ended_at?: string | null;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_TokenResponse: {
            items: {
                id: string;
                /** @example ci deploy */
                name: string;
                /**
                 * @description The first characters of the token, to recognise it; never the whole secret.
                 * @example tgp_a1B2
                 */
                prefix: string;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                expires_at: string;
                /** Format: date-time */
                last_used_at?: string | null;
                /** Format: date-time */
                revoked_at?: string | null;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_UsageExportItem: {
            items: {
                /** @description UTC day, `YYYY-MM-DD`. */
                date: string;
                org_id: string;
                api_id: string;
                api_name: string;
                api_version: string;
                application_id: string;
                application_name: string;
                customer_id: string;
                customer_email: string;
                subscription_id: string;
                plan_id: string;
                plan_name: string;
                /**
                 * Format: int64
                 * @description Calls answered (any status), not counting those refused by a rate limit or quota.
                 */
                requests: number;
                /**
                 * Format: int64
                 * @description Calls billed: answered with 2xx or 3xx.
                 */
                billable_requests: number;
                /** Format: int64 */
                client_errors: number;
                /** Format: int64 */
                server_errors: number;
                /**
                 * Format: int64
                 * @description Calls refused by the rate limit or quota.
                 */
                limited: number;
                /** Format: int64 */
                bytes_in: number;
                /** Format: int64 */
                bytes_out: number;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /** @description One page of a list. */
        Page_WebhookResponse: {
            items: {
                id: string;
                org_id: string;
                /** @description Where events are POSTed (https recommended). */
                url: string;
                description: string;
                /**
                 * @description Subscribed event types: `invoice.finalized`, `subscription.created`,
                 *     `subscription.changed`, `subscription.ended`, `quota.reached`.
                 */
                event_types: string[];
                /** @description Disabled endpoints receive nothing; their pending deliveries wait. */
                enabled: boolean;
                /** @description The first characters of the signing secret, to recognise it. */
                secret_prefix: string;
                /** Format: date-time */
                secret_rotated_at?: string | null;
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                updated_at: string;
            }[];
            /**
             * @description Pass as `cursor` to get the next page; `null` on the last page.
             * @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e
             */
            next_cursor?: string | null;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "currency": "USD",
         *       "deprecated": false,
         *       "description": "5000 requests per minute",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "name": "Gold",
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "pricing": {
         *         "fee_minor": 0,
         *         "included_calls": 1000,
         *         "model": "per_call",
         *         "price_micros": 2000
         *       },
         *       "quota": null,
         *       "rate_limit": {
         *         "burst": null,
         *         "period": "minute",
         *         "requests": 5000
         *       },
         *       "requires_approval": false,
         *       "updated_at": "2026-11-29T21:00:00Z"
         *     }
         */
        PlanResponse: {
            id: string;
            org_id: string;
            /** @example Gold */
            name: string;
            description: string;
            rate_limit?: components["schemas"]["RateLimit"] | null;
            quota?: components["schemas"]["Quota"] | null;
            pricing: components["schemas"]["Pricing"];
            /** @example USD */
            currency: string;
            requires_approval: boolean;
            /** @description A deprecated plan keeps its subscriptions but takes no new ones. */
            deprecated: boolean;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        Point: {
            /** Format: date-time */
            start: string;
            /**
             * Format: int64
             * @description Calls answered (any status), not counting those refused by a rate limit or quota.
             */
            requests: number;
            /** Format: int64 */
            success: number;
            /** Format: int64 */
            redirects: number;
            /** Format: int64 */
            client_errors: number;
            /** Format: int64 */
            server_errors: number;
            /**
             * Format: int64
             * @description Calls refused by the rate limit or quota (429 from the gateway).
             */
            limited: number;
            /** Format: int64 */
            bytes_in: number;
            /** Format: int64 */
            bytes_out: number;
            /** @description Gateway time: request received → response sent. */
            latency: components["schemas"]["Latency"];
            /** @description Upstream time: request forwarded → response head received. */
            upstream_latency: components["schemas"]["Latency"];
        };
        /** @description How a plan charges, per billing period (calendar month). */
        Pricing: {
            /** @enum {string} */
            model: "free";
        } | {
            /** Format: int64 */
            fee_minor: number;
            /** @enum {string} */
            model: "flat";
        } | {
            /** Format: int64 */
            price_micros: number;
            /** Format: int64 */
            included_calls: number;
            /** Format: int64 */
            fee_minor?: number;
            /** @enum {string} */
            model: "per_call";
        } | {
            tiers: components["schemas"]["Tier"][];
            /** Format: int64 */
            fee_minor?: number;
            /** @enum {string} */
            model: "graduated";
        };
        /**
         * @description RFC 9457 problem details, with a stable `code`.
         * @example {
         *       "code": "not_found",
         *       "detail": "organization not found",
         *       "status": 404,
         *       "title": "Not found",
         *       "type": "/api/problems/not_found"
         *     }
         */
        Problem: {
            /** @description A URI reference that documents the problem type: `/api/problems/{code}`. */
            type: string;
            title: string;
            /** Format: int32 */
            status: number;
            detail: string;
            /** @description Stable snake_case code; match on this, not on `title` or `detail`. */
            code: string;
            errors?: components["schemas"]["FieldError"][];
            /** @description For 409 on a state machine: the actions allowed from the current state. */
            allowed?: string[] | null;
        };
        /**
         * @example {
         *       "code": "not_found",
         *       "description": "The resource does not exist, or you may not see it.",
         *       "status": 404,
         *       "title": "Not found"
         *     }
         */
        ProblemTypeResponse: {
            /** @example not_found */
            code: string;
            /** Format: int32 */
            status: number;
            title: string;
            description: string;
        };
        /**
         * @description A number of requests per calendar day or month (UTC).
         * @example {
         *       "period": "month",
         *       "requests": 100000
         *     }
         */
        Quota: {
            /** Format: int64 */
            requests: number;
            period: components["schemas"]["QuotaPeriod"];
        };
        /**
         * @description A quota's calendar period, always in UTC: midnight to midnight, or the 1st of a month to the
         *     1st of the next.
         * @enum {string}
         */
        QuotaPeriod: "day" | "month";
        /**
         * @description GCRA rate limit: `requests` per `period`, with bursts of up to `burst` requests.
         * @example {
         *       "burst": 500,
         *       "period": "minute",
         *       "requests": 5000
         *     }
         */
        RateLimit: {
            /** Format: int32 */
            requests: number;
            period: components["schemas"]["RatePeriod"];
            /**
             * Format: int32
             * @description Requests that may arrive at once; defaults to `requests` for per-second limits and to a
             *     tenth of it (at least 1) for per-minute limits.
             */
            burst?: number | null;
        };
        /** @enum {string} */
        RatePeriod: "second" | "minute";
        /**
         * @example {
         *       "reason": "abuse reported"
         *     }
         */
        ReasonRequest: {
            reason?: string;
        };
        /**
         * @description An operation the API exposes: an HTTP method and a path template.
         * @example {
         *       "auth_required": true,
         *       "method": "GET",
         *       "path": "/pets/{petId}"
         *     }
         */
        Resource: {
            /** @description GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS. */
            method: string;
            /**
             * @description Path template below the API's context, e.g. `/pets/{petId}`; a trailing `/*` matches any
             *     remainder.
             */
            path: string;
            /** @description Whether callers need a credential (default true). */
            auth_required?: boolean;
            operation_id?: string | null;
            summary?: string | null;
        };
        Revenue: {
            api_id: string;
            api_name: string;
            api_version: string;
            currency: string;
            /** @description Invoice status the amount is in: `draft`, `finalized` or `void`. */
            status: string;
            /** Format: int64 */
            amount_minor: number;
            amount: string;
            /** Format: int64 */
            subscriptions: number;
        };
        /**
         * @example {
         *       "items": [
         *         {
         *           "amount": "1234.50",
         *           "amount_minor": 123450,
         *           "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "api_name": "Petstore",
         *           "api_version": "v1",
         *           "currency": "USD",
         *           "status": "finalized",
         *           "subscriptions": 17
         *         }
         *       ],
         *       "period": "2026-11"
         *     }
         */
        RevenueReport: {
            period: string;
            items: components["schemas"]["Revenue"][];
        };
        /**
         * @description One server-sent event of the revision stream (a comment line keeps the connection alive every
         *     15 s between events).
         * @example {
         *       "data": "42",
         *       "event": "revision"
         *     }
         */
        RevisionEvent: {
            /** @description Always `revision`. */
            event: string;
            /** @description The deployed revision, in decimal: fetch `/api/v1/gateway/snapshot?since=` your own. */
            data: string;
        };
        /**
         * @description A user's role in one organization.
         * @enum {string}
         */
        Role: "admin" | "publisher" | "developer";
        /**
         * @example {
         *       "grace_period_secs": 3600
         *     }
         */
        RotateKeyRequest: {
            /**
             * Format: int64
             * @description How long the old key keeps working (0 to 30 days).
             */
            grace_period_secs: number;
        };
        /**
         * @example {
         *       "kid": "Lq3vR8m2sZ0pX1cK7yT4nB9wF6hJ5gD2aE0uI3oP8qM"
         *     }
         */
        RotatedKeyResponse: {
            /** @description The key that signs from now on. */
            kid: string;
        };
        Series: {
            group: components["schemas"]["GroupKey"];
            /** Format: int64 */
            total_requests: number;
            /** @description One point per bucket of the range, zero-filled. */
            points: components["schemas"]["Point"][];
        };
        /**
         * @example {
         *       "display_name": "Ada",
         *       "email": "ada@example.org",
         *       "password": "correct horse battery"
         *     }
         */
        SignupRequest: {
            email: string;
            /** @description 12 to 256 characters. */
            password: string;
            display_name: string;
        };
        /**
         * @example {
         *       "status": "ok"
         *     }
         */
        StatusResponse: {
            /** @example ok */
            status: string;
        };
        /**
         * @example {
         *       "api_context": "/petstore",
         *       "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "api_name": "Petstore",
         *       "api_version": "1.0.0",
         *       "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "application_name": "Mobile app",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "ended_at": null,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "pending_plan_id": null,
         *       "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "reason": "",
         *       "state": "ACTIVE",
         *       "updated_at": "2026-11-29T21:00:00Z"
         *     }
         */
        SubscriptionResponse: {
            id: string;
            application_id: string;
            application_name: string;
            api_id: string;
            api_name: string;
            api_context: string;
            api_version: string;
            plan_id: string;
            /** @description A plan change waiting for the publisher's approval. */
            pending_plan_id?: string | null;
            /**
             * @description PENDING, ACTIVE, BLOCKED, REJECTED or ENDED.
             * @example ACTIVE
             */
            state: string;
            reason: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            ended_at?: string | null;
        };
        /**
         * @description Design tokens to override, each `#rrggbb`; absent or null keeps the portal's own.
         * @example {
         *       "link": "#6a1b9a",
         *       "primary": "#7a1fa2",
         *       "primary_text": "#ffffff"
         *     }
         */
        ThemeColors: {
            /** @description Buttons, the current tab, the current lifecycle state. */
            primary?: string | null;
            /** @description Text on the primary colour. */
            primary_text?: string | null;
            /** @description Links. */
            link?: string | null;
            /** @description The focus ring. */
            focus?: string | null;
            /** @description The page's background. */
            background?: string | null;
            /** @description The header, panels and code blocks. */
            surface?: string | null;
            /** @description Body text. */
            text?: string | null;
            /** @description Secondary text and hints. */
            muted?: string | null;
            /** @description Borders and rules. */
            border?: string | null;
        };
        /**
         * @example {
         *       "dark": {
         *         "primary": "#ce93d8"
         *       },
         *       "extra_css": ".brand span { letter-spacing: 0.05em; }",
         *       "light": {
         *         "primary": "#7a1fa2",
         *         "primary_text": "#ffffff"
         *       },
         *       "logo": null,
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "updated_by": "admin@example.com"
         *     }
         */
        ThemeResponse: {
            /** @description Colours when the reader's system prefers a light scheme (the default). */
            light: components["schemas"]["ThemeColors"];
            /** @description Colours when it prefers a dark one. */
            dark: components["schemas"]["ThemeColors"];
            /** @description CSS appended to the theme. */
            extra_css: string;
            /** @description The logo as a `data:` URL, or null for Tollgate's own. */
            logo?: string | null;
            /**
             * Format: date-time
             * @description When an operator last changed it (null: never).
             */
            updated_at?: string | null;
            updated_by?: string | null;
        };
        /**
         * @description One tier of graduated pricing: calls up to `up_to` (inclusive, cumulative within the period)
         *     cost `price_micros` each; the last tier has no `up_to`.
         */
        Tier: {
            /** Format: int64 */
            up_to?: number | null;
            /** Format: int64 */
            price_micros: number;
        };
        /**
         * @description The form of introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1) requests.
         * @example {
         *       "token": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0Z2kifQ.sig"
         *     }
         */
        TokenForm: {
            token: string;
            /** @description `access_token` (the only kind there is); ignored otherwise. */
            token_type_hint?: string | null;
            /** @description With `client_secret_post`; otherwise HTTP Basic authentication. */
            client_id?: string | null;
            client_secret?: string | null;
        };
        /**
         * @description The token request's form fields (RFC 6749 §4.4.2). The handler reads the form itself, to
         *     answer with the RFC's errors; this type describes it for the document.
         * @example {
         *       "grant_type": "client_credentials",
         *       "scope": "default"
         *     }
         */
        TokenRequestForm: {
            /** @description Only `client_credentials`. */
            grant_type: string;
            /** @description Space-separated scopes, a subset of the client's (default: all of them). */
            scope?: string | null;
            /** @description With `client_secret_post`; otherwise HTTP Basic authentication. */
            client_id?: string | null;
            client_secret?: string | null;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "expires_at": "2027-02-27T21:00:00Z",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "last_used_at": null,
         *       "name": "ci deploy",
         *       "prefix": "tgp_a1B2",
         *       "revoked_at": null
         *     }
         */
        TokenResponse: {
            id: string;
            /** @example ci deploy */
            name: string;
            /**
             * @description The first characters of the token, to recognise it; never the whole secret.
             * @example tgp_a1B2
             */
            prefix: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string;
            /** Format: date-time */
            last_used_at?: string | null;
            /** Format: date-time */
            revoked_at?: string | null;
        };
        /**
         * @example {
         *       "bytes_out": 77824000,
         *       "client_errors": 310,
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "limited": 1200,
         *       "name": "Petstore",
         *       "requests": 152000,
         *       "server_errors": 4,
         *       "version": "v1"
         *     }
         */
        TopEntry: {
            id: string;
            name: string;
            /** @description API version (empty for applications). */
            version: string;
            /** Format: int64 */
            requests: number;
            /** Format: int64 */
            client_errors: number;
            /** Format: int64 */
            server_errors: number;
            /** Format: int64 */
            limited: number;
            /** Format: int64 */
            bytes_out: number;
        };
        /**
         * @description Fields to change; absent fields stay. `context` and `version` cannot change (create a new
         *     version instead). `resources` and `plan_ids` replace the whole list.
         * @example {
         *       "description": "Pets, now with photos",
         *       "endpoints": [
         *         {
         *           "url": "https://petstore-2.internal/v1",
         *           "weight": 3
         *         }
         *       ]
         *     }
         */
        UpdateApiRequest: {
            name?: string | null;
            description?: string | null;
            context?: string | null;
            version?: string | null;
            is_default?: boolean | null;
            tags?: string[] | null;
            visibility?: components["schemas"]["Visibility"] | null;
            visible_roles?: string[] | null;
            endpoints?: components["schemas"]["Endpoint"][] | null;
            resources?: components["schemas"]["Resource"][] | null;
            cors?: components["schemas"]["Cors"] | null;
            plan_ids?: string[] | null;
            /** Format: int64 */
            connect_timeout_ms?: number | null;
            /** Format: int64 */
            response_timeout_ms?: number | null;
            require_resubscription?: boolean | null;
            /** Format: date-time */
            sunset_at?: string | null;
            health_check?: components["schemas"]["HealthCheck"] | null;
        };
        /**
         * @example {
         *       "description": "iOS only"
         *     }
         */
        UpdateApplicationRequest: {
            name?: string | null;
            description?: string | null;
            callback_url?: string | null;
            /** Format: int64 */
            token_lifetime_secs?: number | null;
        };
        /**
         * @example {
         *       "title": "Quick start"
         *     }
         */
        UpdateDocumentRequest: {
            title?: string | null;
            type?: string | null;
            visibility?: string | null;
            source?: string | null;
            content?: string | null;
            url?: string | null;
            /** Format: int64 */
            position?: number | null;
        };
        /**
         * @example {
         *       "role": "admin"
         *     }
         */
        UpdateMemberRequest: {
            role: components["schemas"]["Role"];
        };
        /**
         * @example {
         *       "current_password": "correct horse battery",
         *       "new_password": "a new long passphrase"
         *     }
         */
        UpdatePasswordRequest: {
            current_password: string;
            new_password: string;
        };
        /**
         * @description Fields to change; absent fields stay. `null` clears `rate_limit` or `quota`.
         * @example {
         *       "deprecated": false,
         *       "rate_limit": {
         *         "period": "second",
         *         "requests": 100
         *       }
         *     }
         */
        UpdatePlanRequest: {
            name?: string | null;
            description?: string | null;
            rate_limit?: components["schemas"]["RateLimit"] | null;
            quota?: components["schemas"]["Quota"] | null;
            pricing?: components["schemas"]["Pricing"] | null;
            currency?: string | null;
            requires_approval?: boolean | null;
            deprecated?: boolean | null;
        };
        /**
         * @example {
         *       "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f"
         *     }
         */
        UpdateSubscriptionRequest: {
            /** @description The new plan; a plan that requires approval waits for the publisher (`pending_plan_id`). */
            plan_id: string;
        };
        /**
         * @example {
         *       "dark": {
         *         "primary": "#ce93d8"
         *       },
         *       "extra_css": ".brand span { letter-spacing: 0.05em; }",
         *       "light": {
         *         "primary": "#7a1fa2",
         *         "primary_text": "#ffffff"
         *       },
         *       "logo": "data:image/png;base64,iVBORw0KGgo="
         *     }
         */
        UpdateThemeRequest: {
            light?: components["schemas"]["ThemeColors"];
            dark?: components["schemas"]["ThemeColors"];
            /** @description At most 32 KiB; see the rules in the description. */
            extra_css?: string;
            /**
             * @description A `data:` URL (`data:image/png;base64,…`) of a PNG, JPEG, GIF, WebP or SVG of at most
             *     128 KiB, or null for Tollgate's own.
             */
            logo?: string | null;
        };
        /**
         * @example {
         *       "enabled": false
         *     }
         */
        UpdateWebhookRequest: {
            url?: string | null;
            description?: string | null;
            event_types?: string[] | null;
            enabled?: boolean | null;
        };
        /**
         * @description The client after an update; `client_secret` only when the update rotated it.
         * @example {
         *       "client_id": "tgi_4fJ9kQ2mX7pL1sV8",
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "scopes": [
         *         "read"
         *       ],
         *       "secret_prefix": "tgo_a1B2",
         *       "secret_rotated_at": null
         *     }
         */
        UpdatedOAuthClientResponse: components["schemas"]["OAuthClientResponse"] & {
            /** @description The new secret, present only when the request set `rotate_secret`; shown only here. */
            client_secret?: string;
        };
        /**
         * @description A node's metered usage, in an idempotent batch (`POST /api/v1/gateway/usage`).
         * @example {
         *       "batch_id": "7f3a9c21-17",
         *       "node_id": "node-0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "rows": [
         *         {
         *           "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *           "bytes_in": 0,
         *           "bytes_out": 7200,
         *           "latency_total": "{\"buckets\":[0,3,117],\"sum_us\":41000}",
         *           "latency_upstream": "{\"buckets\":[0,5,115],\"sum_us\":30000}",
         *           "minute": 29414476,
         *           "requests": 120,
         *           "status_class": "2xx",
         *           "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f"
         *         }
         *       ]
         *     }
         */
        UsageBatchRequest: {
            /** @description Unique per batch; a retried batch is ignored. */
            batch_id: string;
            node_id: string;
            rows: Record<string, never>[];
        };
        /**
         * @description The control plane's answer to a usage batch.
         * @example {
         *       "accepted": true
         *     }
         */
        UsageBatchResponse: {
            /** @description false when the batch had been received before (nothing added). */
            accepted: boolean;
        };
        /**
         * @description One usage export row. CSV columns, in order: the fields below.
         * @example {
         *       "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *       "api_name": "Petstore",
         *       "api_version": "v1",
         *       "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
         *       "application_name": "Mobile app",
         *       "billable_requests": 10400,
         *       "bytes_in": 10240,
         *       "bytes_out": 5242880,
         *       "client_errors": 48,
         *       "customer_email": "dev@example.com",
         *       "customer_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61",
         *       "date": "2026-11-29",
         *       "limited": 120,
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d63",
         *       "plan_name": "Gold",
         *       "requests": 10450,
         *       "server_errors": 2,
         *       "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d62"
         *     }
         */
        UsageExportItem: {
            /** @description UTC day, `YYYY-MM-DD`. */
            date: string;
            org_id: string;
            api_id: string;
            api_name: string;
            api_version: string;
            application_id: string;
            application_name: string;
            customer_id: string;
            customer_email: string;
            subscription_id: string;
            plan_id: string;
            plan_name: string;
            /**
             * Format: int64
             * @description Calls answered (any status), not counting those refused by a rate limit or quota.
             */
            requests: number;
            /**
             * Format: int64
             * @description Calls billed: answered with 2xx or 3xx.
             */
            billable_requests: number;
            /** Format: int64 */
            client_errors: number;
            /** Format: int64 */
            server_errors: number;
            /**
             * Format: int64
             * @description Calls refused by the rate limit or quota.
             */
            limited: number;
            /** Format: int64 */
            bytes_in: number;
            /** Format: int64 */
            bytes_out: number;
        };
        /**
         * @example {
         *       "from": "2026-11-29T00:00:00Z",
         *       "granularity": "hour",
         *       "series": [
         *         {
         *           "group": {
         *             "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *             "api_name": "Petstore",
         *             "api_version": "v1"
         *           },
         *           "points": [
         *             {
         *               "bytes_in": 0,
         *               "bytes_out": 512000,
         *               "client_errors": 8,
         *               "latency": {
         *                 "mean_ms": 1.9,
         *                 "p50_ms": 1.2,
         *                 "p95_ms": 4.8,
         *                 "p99_ms": 9.7
         *               },
         *               "limited": 12,
         *               "redirects": 0,
         *               "requests": 1000,
         *               "server_errors": 2,
         *               "start": "2026-11-29T00:00:00Z",
         *               "success": 990,
         *               "upstream_latency": {
         *                 "mean_ms": 1.7,
         *                 "p50_ms": 1.1,
         *                 "p95_ms": 4.5,
         *                 "p99_ms": 9.1
         *               }
         *             },
         *             {
         *               "bytes_in": 0,
         *               "bytes_out": 266240,
         *               "client_errors": 0,
         *               "latency": {
         *                 "mean_ms": 1.5,
         *                 "p50_ms": 1.1,
         *                 "p95_ms": 3.9,
         *                 "p99_ms": 7.2
         *               },
         *               "limited": 0,
         *               "redirects": 0,
         *               "requests": 520,
         *               "server_errors": 0,
         *               "start": "2026-11-29T01:00:00Z",
         *               "success": 520,
         *               "upstream_latency": {
         *                 "mean_ms": 1.4,
         *                 "p50_ms": 1,
         *                 "p95_ms": 3.6,
         *                 "p99_ms": 6.8
         *               }
         *             }
         *           ],
         *           "total_requests": 1520
         *         }
         *       ],
         *       "to": "2026-11-29T02:00:00Z"
         *     }
         */
        UsageSeries: {
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            /** @example hour */
            granularity: string;
            series: components["schemas"]["Series"][];
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "display_name": "Ada Lovelace",
         *       "email": "ada@example.org",
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"
         *     }
         */
        UserResponse: {
            /** @example 0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e */
            id: string;
            /** @example ada@example.org */
            email: string;
            /** @example Ada Lovelace */
            display_name: string;
            /** Format: date-time */
            created_at: string;
        };
        /**
         * @description Who sees the API in the developer portal.
         * @enum {string}
         */
        Visibility: "public" | "organization" | "roles";
        /**
         * @example {
         *       "reason": "billed twice by mistake"
         *     }
         */
        VoidRequest: {
            /** @description Why (1 to 500 characters); kept with the invoice and in the audit log. */
            reason: string;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "description": "ERP sync",
         *       "enabled": true,
         *       "event_types": [
         *         "invoice.finalized",
         *         "subscription.created"
         *       ],
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *       "secret_prefix": "whsec_a1B2",
         *       "secret_rotated_at": null,
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "url": "https://billing.example.com/hooks/tollgate"
         *     }
         */
        WebhookResponse: {
            id: string;
            org_id: string;
            /** @description Where events are POSTed (https recommended). */
            url: string;
            description: string;
            /**
             * @description Subscribed event types: `invoice.finalized`, `subscription.created`,
             *     `subscription.changed`, `subscription.ended`, `quota.reached`.
             */
            event_types: string[];
            /** @description Disabled endpoints receive nothing; their pending deliveries wait. */
            enabled: boolean;
            /** @description The first characters of the signing secret, to recognise it. */
            secret_prefix: string;
            /** Format: date-time */
            secret_rotated_at?: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        /**
         * @example {
         *       "created_at": "2026-11-29T21:00:00Z",
         *       "description": "ERP sync",
         *       "enabled": true,
         *       "event_types": [
         *         "invoice.finalized"
         *       ],
         *       "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
         *       "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
         *       "secret": "whsec_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0",
         *       "secret_prefix": "whsec_a1B2",
         *       "secret_rotated_at": null,
         *       "updated_at": "2026-11-29T21:00:00Z",
         *       "url": "https://billing.example.com/hooks/tollgate"
         *     }
         */
        WebhookSecretResponse: components["schemas"]["WebhookResponse"] & {
            /**
             * @description The signing secret. Shown only in this response; keep it to verify
             *     `Tollgate-Webhook-Signature`.
             * @example whsec_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0
             */
            secret: string;
        };
    };
    responses: {
        /** @description `bad_request`: a query parameter is malformed or out of its documented bounds; `invalid_json`: the body is not JSON. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The file, with the content type it was uploaded with */
        DocumentFile: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "text/markdown": string;
                "text/plain": string;
                "application/pdf": string;
                "image/png": string;
                "image/jpeg": string;
                "image/gif": string;
                "image/webp": string;
            };
        };
        /** @description `forbidden`: your role does not allow this action; `csrf_failed`: a cookie-authenticated write without `X-CSRF-Token`. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `not_found`: the object does not exist, or you may not see it. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `payload_too_large`: the body is larger than this endpoint accepts. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `precondition_failed`: `If-Match` does not name the current version. */
        PreconditionFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `service_unavailable`: the database is unavailable; `timeout`: the request did not finish within the server's time limit. */
        ServiceUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `unauthenticated`: no valid session cookie or personal access token. */
        Unauthenticated: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `unsupported_media_type`: the body's `Content-Type` is not one this operation documents. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `validation_failed`: the body is JSON but a field is missing, of the wrong type or invalid; `errors` has a JSON pointer per field. */
        ValidationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    find_api_catalog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Linkset (RFC 9264) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "linkset": [
                     *         {
                     *           "anchor": "https://api.example.com/api/v1",
                     *           "service-desc": [
                     *             {
                     *               "href": "https://api.example.com/api/openapi.json",
                     *               "type": "application/vnd.oai.openapi+json;version=3.1"
                     *             }
                     *           ],
                     *           "service-doc": [
                     *             {
                     *               "href": "https://api.example.com/api/docs/",
                     *               "type": "text/html"
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/linkset+json": Record<string, never>;
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JWK set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "keys": [
                     *         {
                     *           "alg": "ES256",
                     *           "crv": "P-256",
                     *           "kid": "Lq3vR8m2sZ0pX1cK7yT4nB9wF6hJ5gD2aE0uI3oP8qM",
                     *           "kty": "EC",
                     *           "use": "sig",
                     *           "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                     *           "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": Record<string, never>;
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_openid_configuration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Discovery document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "grant_types_supported": [
                     *         "client_credentials"
                     *       ],
                     *       "id_token_signing_alg_values_supported": [
                     *         "ES256"
                     *       ],
                     *       "introspection_endpoint": "https://api.example.com/oauth2/introspect",
                     *       "issuer": "https://api.example.com",
                     *       "jwks_uri": "https://api.example.com/.well-known/jwks.json",
                     *       "response_types_supported": [
                     *         "token"
                     *       ],
                     *       "revocation_endpoint": "https://api.example.com/oauth2/revoke",
                     *       "subject_types_supported": [
                     *         "public"
                     *       ],
                     *       "token_endpoint": "https://api.example.com/oauth2/token",
                     *       "token_endpoint_auth_methods_supported": [
                     *         "client_secret_basic",
                     *         "client_secret_post"
                     *       ]
                     *     }
                     */
                    "application/json": Record<string, never>;
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_problems: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemTypeResponse"][];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_problem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @example not_found */
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProblemTypeResponse"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotate_signing_key: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedKeyResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_theme: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThemeResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_theme: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateThemeRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThemeResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    top: {
        parameters: {
            query: {
                /** @description `api` (per API version) or `application`. */
                dimension: components["schemas"]["Dimension"];
                /**
                 * @description Start (RFC 3339; default 24 hours ago), rounded down to the minute. Where usage is
                 *     compacted (older than 2 days by default: hourly totals; older than 35 days: daily totals)
                 *     `from` and `to` must not fall inside an hour or day kept as one total: 400 names the
                 *     whole hours or days around it.
                 */
                from?: string;
                /** @description End, exclusive (default now), rounded up to the minute; the same rule as `from`. */
                to?: string;
                limit?: number;
                org?: string;
                all?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TopEntry"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    usage_series: {
        parameters: {
            query?: {
                /** @description Start (RFC 3339; default 24 hours ago), rounded down to the granularity. */
                from?: string;
                /** @description End, exclusive (default now). */
                to?: string;
                /**
                 * @description `minute`, `hour` (default) or `day`. Old usage is kept coarser (minute rows become hourly
                 *     after `usage_compact_hourly_after`, 2 days by default, and daily after
                 *     `usage_compact_daily_after`, 35 days): a granularity finer than the rows of the range is
                 *     refused with 400, and the problem names the finest granularity that answers it and from
                 *     when on the asked one would.
                 */
                granularity?: components["schemas"]["Granularity"];
                /**
                 * @description Comma-separated: `api` (all versions of an API), `version` (one API version),
                 *     `application`, `subscription`, `plan`. Default: one series for everything.
                 */
                group_by?: string;
                org?: string;
                all?: boolean;
                /** @description Only this API version. */
                api_id?: string;
                application_id?: string;
                subscription_id?: string;
                plan_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageSeries"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_api: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_api: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Not CREATED or RETIRED */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_api: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string | null;
            };
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateApiRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The new context and version are taken, or the change does not fit the API's state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_documents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentList"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_document: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDocumentRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Too many documents */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_document: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
                document_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_document: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
                document_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_document: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string | null;
            };
            path: {
                api_id: string;
                document_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDocumentRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_document_content: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
                document_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["DocumentFile"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such document, or it has no file */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_document_content: {
        parameters: {
            query?: {
                /** @description File name shown on download (default: from Content-Disposition, else `document`). */
                file_name?: string;
            };
            header?: never;
            path: {
                api_id: string;
                document_id: string;
            };
            cookie?: never;
        };
        /** @description The file, with the Content-Type of its kind (checked against its first bytes) */
        requestBody: {
            content: {
                "application/pdf": number[];
                "image/gif": number[];
                "image/jpeg": number[];
                "image/png": number[];
                "image/webp": number[];
                /**
                 * @example # Getting started
                 *
                 *     Send your key in `apikey`.
                 */
                "text/markdown": string;
                "text/plain": string;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_lifecycle_events: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_LifecycleEventResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_lifecycle_event: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LifecycleRequest"];
            };
        };
        responses: {
            /** @description The API in its new state */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Not allowed from the current state, or not publishable */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "allowed": [
                     *         "publish",
                     *         "deploy_as_prototype"
                     *       ],
                     *       "code": "conflict",
                     *       "detail": "retire is not allowed from CREATED",
                     *       "status": 409,
                     *       "title": "Conflict",
                     *       "type": "/api/problems/conflict"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_openapi: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document as it was uploaded, JSON or YAML */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "info": {
                     *         "title": "Petstore",
                     *         "version": "1.0.0"
                     *       },
                     *       "openapi": "3.0.3",
                     *       "paths": {
                     *         "/pets": {
                     *           "get": {
                     *             "responses": {
                     *               "200": {
                     *                 "description": "ok"
                     *               }
                     *             }
                     *           }
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": Record<string, never>;
                    "application/yaml": Record<string, never>;
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such API, or it has no document */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_openapi: {
        parameters: {
            query?: {
                /** @description API name (default: the document's `info.title`). */
                name?: string;
                /** @description Context path (default: derived from the title, e.g. `/swagger-petstore`). */
                context?: string;
                /** @description Version (default: the document's `info.version`). */
                version?: string;
                /** @description Backend URL(s), comma-separated, replacing the document's servers. */
                endpoints?: string;
                /** @description On update: also replace the endpoints with the document's servers. */
                update_endpoints?: boolean;
            };
            header?: {
                "if-match"?: string | null;
            };
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        /** @description The OpenAPI document (JSON or YAML), raw or as multipart field `file` */
        requestBody: {
            content: {
                /**
                 * @example openapi: 3.0.3
                 *     info: {title: Petstore, version: 1.1.0}
                 *     paths:
                 *       /pets:
                 *         get: {responses: {'200': {description: ok}}}
                 */
                "application/yaml": string;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The document's resources or endpoints do not fit the API's state, or are taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Unprocessable Entity */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_api_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateVersionRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Version exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_applications: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ApplicationResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_application: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApplicationRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description Name taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_application: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_application: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_application: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string | null;
            };
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateApplicationRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description You already have an application with that name */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_keys: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_KeyResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_key: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateKeyRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKeyResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_key: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotate_key: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
                key_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateKeyRequest"];
            };
        };
        responses: {
            /** @description The new key */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKeyResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Revoked or already rotated */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_oauth_client: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthClientResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_oauth_client: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OAuthClientRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedOAuthClientResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The application has a client already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_oauth_client: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_oauth_client: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OAuthClientRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdatedOAuthClientResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_application_subscriptions: {
        parameters: {
            query?: {
                /** @description Also list ended subscriptions. */
                include_ended?: boolean;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_SubscriptionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                application_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSubscriptionRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description No such application or API (for you) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Already subscribed, API not open for subscriptions, or plan deprecated */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description The API does not offer the plan */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Signed in; cookies set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description Wrong email or password */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            /** @description Too many failed attempts */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["Forbidden"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    signup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignupRequest"];
            };
        };
        responses: {
            /** @description Account created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description Sign-up is disabled */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Email already registered */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Invalid fields */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_catalog: {
        parameters: {
            query?: {
                /** @description Words to find in names, descriptions, tags and resource paths; results come best first. */
                q?: string;
                tag?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CatalogPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_catalog_api: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CatalogApiDetail"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_catalog_document_content: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
                document_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["DocumentFile"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_catalog_openapi: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                api_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document, servers rewritten */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "info": {
                     *         "title": "Petstore",
                     *         "version": "1.0.0"
                     *       },
                     *       "openapi": "3.0.3",
                     *       "paths": {
                     *         "/pets": {
                     *           "get": {
                     *             "responses": {
                     *               "200": {
                     *                 "description": "ok"
                     *               }
                     *             }
                     *           }
                     *         }
                     *       },
                     *       "servers": [
                     *         {
                     *           "description": "Tollgate gateway",
                     *           "url": "http://127.0.0.1:8280/petstore/1.0.0"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": Record<string, never>;
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    export_invoices: {
        parameters: {
            query: {
                /** @description First billing period, e.g. `2026-10`. */
                from: string;
                /** @description Last billing period, inclusive (default: `from`). */
                to?: string;
                /** @description `draft`, `finalized` or `void`. */
                status?: string;
                /** @description `json` (default; paginated invoices with lines) or `csv` (one row per line, streamed). */
                format?: components["schemas"]["Format"];
                org?: string;
                all?: boolean;
                /** @description JSON page size. */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JSON page (`format=json`) or every line as CSV */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Invoice"];
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    export_usage: {
        parameters: {
            query: {
                /** @description First UTC day, `YYYY-MM-DD`. */
                from: string;
                /** @description Last UTC day, inclusive. */
                to: string;
                /** @description `json` (default; paginated) or `csv` (streamed; also chosen by `Accept: text/csv`). */
                format?: components["schemas"]["Format"];
                org?: string;
                all?: boolean;
                /** @description JSON page size. */
                limit?: number;
                /** @description JSON: `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JSON page (`format=json`) or the whole export as CSV */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_UsageExportItem"];
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_gateway_node: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                node_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NodeAck"];
            };
        };
        responses: {
            /** @description Recorded */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_gateway_snapshot: {
        parameters: {
            query?: {
                /**
                 * @description The revision the node runs: answer with the changes after it (`base` is then set in the
                 *     document). Without it, or for a revision the store never reached, the complete snapshot.
                 */
                since?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Snapshot document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "apis": [
                     *         {
                     *           "connect_timeout_ms": 5000,
                     *           "context": "/petstore",
                     *           "cors": {
                     *             "allow_credentials": false,
                     *             "allow_headers": [],
                     *             "allow_methods": [
                     *               "GET"
                     *             ],
                     *             "allow_origins": [
                     *               "*"
                     *             ],
                     *             "enabled": false,
                     *             "expose_headers": [],
                     *             "max_age_secs": 600
                     *           },
                     *           "endpoints": [
                     *             {
                     *               "url": "https://petstore.internal/v1",
                     *               "weight": 1
                     *             }
                     *           ],
                     *           "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
                     *           "is_default": true,
                     *           "resources": [
                     *             [
                     *               "GET",
                     *               "/pets/{petId}",
                     *               true
                     *             ]
                     *           ],
                     *           "response_timeout_ms": 30000,
                     *           "state": "PUBLISHED",
                     *           "sunset_at": null,
                     *           "version": "1.0.0"
                     *         }
                     *       ],
                     *       "jwt_audience": "tollgate",
                     *       "jwt_issuer": "https://api.example.com",
                     *       "jwt_keys": [],
                     *       "keys": [
                     *         {
                     *           "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
                     *           "expires_at": null,
                     *           "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                     *           "id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f"
                     *         }
                     *       ],
                     *       "plans": [],
                     *       "revision": 42,
                     *       "revoked_tokens": [],
                     *       "subscriptions": []
                     *     }
                     */
                    "application/json": Record<string, never>;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_gateway_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatewayStatus"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    stream_gateway_revisions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A `text/event-stream`; the schema is that of each event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["RevisionEvent"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_usage_batch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UsageBatchRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UsageBatchResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_invoices: {
        parameters: {
            query?: {
                org?: string;
                all?: boolean;
                /** @description Only this billing period, e.g. `2026-11`. */
                period?: string;
                /** @description `draft`, `finalized` or `void`. */
                status?: string;
                /** @description Include each invoice's lines. */
                lines?: boolean;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_Invoice"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such organization (for you) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    get_invoice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invoice_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    finalize_invoice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invoice_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Not an admin of the issuing organization */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description The period has not ended, or the invoice is void */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    void_invoice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invoice_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VoidRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Invoice"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Already void */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeResponse"];
                };
            };
            /** @description Not signed in */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_password: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePasswordRequest"];
            };
        };
        responses: {
            /** @description Password changed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            /** @description Not signed in, or the current password is wrong */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description The new password does not meet the policy */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_tokens: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_TokenResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedTokenResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_token: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Token id */
                token_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_orgs: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_OrgResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_org: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrgRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            /** @description Slug taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_org: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_apis: {
        parameters: {
            query?: {
                /** @description Only APIs in this lifecycle state (e.g. PUBLISHED). */
                state?: string;
                /** @description Only APIs with this tag. */
                tag?: string;
                /** @description Text to find in the name, description, tags or resource paths. */
                q?: string;
                /** @description Only the versions of the API at this context (e.g. `/petstore`): a version switcher's list. */
                context?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ApiSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_api: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Context and version taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    import_api: {
        parameters: {
            query?: {
                /** @description API name (default: the document's `info.title`). */
                name?: string;
                /** @description Context path (default: derived from the title, e.g. `/swagger-petstore`). */
                context?: string;
                /** @description Version (default: the document's `info.version`). */
                version?: string;
                /** @description Backend URL(s), comma-separated, replacing the document's servers. */
                endpoints?: string;
                /** @description On update: also replace the endpoints with the document's servers. */
                update_endpoints?: boolean;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        /** @description The OpenAPI document (JSON or YAML), raw or as multipart field `file` */
        requestBody: {
            content: {
                /**
                 * @example openapi: 3.0.3
                 *     info: {title: Petstore, version: 1.0.0}
                 *     servers: [{url: 'https://petstore.internal/v1'}]
                 *     paths:
                 *       /pets:
                 *         get: {responses: {'200': {description: ok}}}
                 */
                "application/yaml": string;
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiResponse"];
                };
            };
            /** @description Not JSON or YAML (with line and column) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Context and version taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Not a supported OpenAPI document (with a JSON pointer) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_audit_log: {
        parameters: {
            query?: {
                /** @description Only this action, e.g. `member.added`. */
                action?: string;
                /** @description Only changes by this user id. */
                actor_id?: string;
                /** @description Only changes to this kind of object, e.g. `user`. */
                target_type?: string;
                /** @description Entries at or after this time (RFC 3339). */
                since?: string;
                /** @description Entries before this time (RFC 3339). */
                until?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_AuditEntryResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_members: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_MemberResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateMemberRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedMemberResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The new role would leave the organization without an admin */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMemberRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Would leave the organization without an admin */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The last admin cannot be removed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_plans: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_PlanResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_plan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePlanRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlanResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Name taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    org_revenue: {
        parameters: {
            query?: {
                /** @description Billing period, e.g. `2026-11`; default the current one. */
                period?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevenueReport"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_org_subscriptions: {
        parameters: {
            query?: {
                /** @description Only this state, e.g. PENDING. */
                state?: string;
                /** @description Only subscriptions to this API. */
                api_id?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_SubscriptionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_webhooks: {
        parameters: {
            query?: {
                limit?: number;
                /** @description `next_cursor` of the previous page; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_WebhookResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecretResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Too many endpoints */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_plan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                plan_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlanResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_plan: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                plan_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description In use */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_plan: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string | null;
            };
            path: {
                plan_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePlanRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlanResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The name is taken, or the plan's pricing is fixed because a subscription used it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSubscriptionRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    approve_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    block_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReasonRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    reject_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReasonRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    unblock_subscription: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                subscription_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_webhook_delivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                delivery_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryDetailResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    resend_webhook_delivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                delivery_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The endpoint is disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_webhook: {
        parameters: {
            query?: never;
            header?: {
                "if-match"?: string | null;
            };
            path: {
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_webhook_deliveries: {
        parameters: {
            query?: {
                /** @description Only deliveries in this state: `pending`, `succeeded` or `failed`. */
                state?: string;
                limit?: number;
                /** @description `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_DeliveryResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotate_webhook_secret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecretResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    test_webhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued; follow it in the deliveries */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryResponse"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The endpoint is disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResponse"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    introspect_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenForm"];
            };
        };
        responses: {
            /** @description Token state */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "active": true,
                     *       "client_id": "tgi_4fJ9kQ2mX7pL1sV8",
                     *       "exp": 1796000000,
                     *       "scope": "default",
                     *       "token_type": "Bearer"
                     *     }
                     */
                    "application/json": Record<string, never>;
                };
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revoke_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenForm"];
            };
        };
        responses: {
            /** @description Revoked (or nothing to revoke) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    token_wrong_method: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description invalid_request: use POST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_access_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequestForm"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description invalid_request, unsupported_grant_type or invalid_scope */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description invalid_client */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResponse"];
                };
            };
            /** @description Not ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    find_theme_css: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The theme as CSS */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    /** @example :root { --color-primary: #7a1fa2; } */
                    "text/css": string;
                };
            };
            /** @description Not modified since the ETag in `If-None-Match` */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    find_theme_logo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The logo */
            200: {
                headers: {
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "image/svg+xml": number[];
                    "image/png": number[];
                    "image/jpeg": number[];
                    "image/gif": number[];
                    "image/webp": number[];
                };
            };
            /** @description Not modified since the ETag in `If-None-Match` */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
