-- Active health checks of an API's endpoints (JSON of domain::api::HealthCheck; NULL = off).
ALTER TABLE apis ADD COLUMN health_check TEXT;
