-- Webhook deliveries are signed with a per-tenant secret.
ALTER TABLE tenants ADD COLUMN webhook_secret TEXT;
