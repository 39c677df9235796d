# ruff: noqa: E501
"""The first schema: staff, customers, registrations, contacts, level changes, code lists,
drafts, the audit log and settings.

Written as SQL so that it stays exactly what it was when it shipped, whatever the models
become later.
"""

from frontdesk.store import dialect

STATEMENTS = [
    'CREATE TABLE "staff" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "login" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, "on_duty" INTEGER NOT NULL, "rotation_order" INTEGER NOT NULL, "created_at" DATETIME NOT NULL)',
    'CREATE UNIQUE INDEX "staff_name" ON "staff" ("name")',
    'CREATE UNIQUE INDEX "staff_login" ON "staff" ("login")',
    'CREATE TABLE "audit_entry" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL, "staff_id" INTEGER, "session" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "entity" VARCHAR(255) NOT NULL, "entity_id" INTEGER, "detail" TEXT NOT NULL, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "audit_entry_at" ON "audit_entry" ("at")',
    'CREATE INDEX "audit_entry_staff_id" ON "audit_entry" ("staff_id")',
    'CREATE TABLE "code_item" ("id" INTEGER NOT NULL PRIMARY KEY, "kind" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "position" INTEGER NOT NULL, "active" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX "code_item_kind_name" ON "code_item" ("kind", "name")',
    'CREATE TABLE "customer" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "initials" VARCHAR(255) NOT NULL, "gender" VARCHAR(255) NOT NULL, "region" VARCHAR(255) NOT NULL, "customer_class" VARCHAR(255) NOT NULL, "level" VARCHAR(255), "model" VARCHAR(255) NOT NULL, "channel" VARCHAR(255) NOT NULL, "source" INTEGER NOT NULL, "consultant_id" INTEGER, "first_contact" DATE, "notes" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "version" INTEGER NOT NULL, FOREIGN KEY ("consultant_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    'CREATE UNIQUE INDEX "customer_phone" ON "customer" ("phone")',
    'CREATE INDEX "customer_initials" ON "customer" ("initials")',
    'CREATE INDEX "customer_level" ON "customer" ("level")',
    'CREATE INDEX "customer_consultant_id" ON "customer" ("consultant_id")',
    'CREATE TABLE "registration" ("id" INTEGER NOT NULL PRIMARY KEY, "kind" VARCHAR(255) NOT NULL, "time_in" DATETIME NOT NULL, "time_out" DATETIME, "customer_id" INTEGER, "name" VARCHAR(255) NOT NULL, "phone" VARCHAR(255), "gender" VARCHAR(255) NOT NULL, "party_size" INTEGER NOT NULL, "visit" VARCHAR(255) NOT NULL, "model" VARCHAR(255) NOT NULL, "colour" VARCHAR(255) NOT NULL, "channel" VARCHAR(255) NOT NULL, "level" VARCHAR(255), "consultant_id" INTEGER, "test_drive" INTEGER NOT NULL, "quote" INTEGER NOT NULL, "ordered" INTEGER NOT NULL, "notes" TEXT NOT NULL, "registered_by_id" INTEGER, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "version" INTEGER NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE SET NULL, FOREIGN KEY ("consultant_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("registered_by_id") REFERENCES "staff" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "registration_time_in" ON "registration" ("time_in")',
    'CREATE INDEX "registration_customer_id" ON "registration" ("customer_id")',
    'CREATE INDEX "registration_phone" ON "registration" ("phone")',
    'CREATE INDEX "registration_consultant_id" ON "registration" ("consultant_id")',
    'CREATE INDEX "registration_registered_by_id" ON "registration" ("registered_by_id")',
    'CREATE INDEX "registration_kind_time_in" ON "registration" ("kind", "time_in")',
    'CREATE TABLE "contact" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "staff_id" INTEGER, "at" DATETIME NOT NULL, "method" VARCHAR(255) NOT NULL, "account" TEXT NOT NULL, "level_after" VARCHAR(255), "next_date" DATE, "registration_id" INTEGER, "created_at" DATETIME NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("registration_id") REFERENCES "registration" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "contact_customer_id" ON "contact" ("customer_id")',
    'CREATE INDEX "contact_staff_id" ON "contact" ("staff_id")',
    'CREATE INDEX "contact_at" ON "contact" ("at")',
    'CREATE INDEX "contact_registration_id" ON "contact" ("registration_id")',
    'CREATE TABLE "draft" ("id" INTEGER NOT NULL PRIMARY KEY, "owner" VARCHAR(255) NOT NULL, "form" VARCHAR(255) NOT NULL, "payload" TEXT NOT NULL, "updated_at" DATETIME NOT NULL)',
    'CREATE UNIQUE INDEX "draft_owner_form" ON "draft" ("owner", "form")',
    'CREATE TABLE "level_change" ("id" INTEGER NOT NULL PRIMARY KEY, "customer_id" INTEGER NOT NULL, "from_level" VARCHAR(255), "to_level" VARCHAR(255), "at" DATETIME NOT NULL, "staff_id" INTEGER, "contact_id" INTEGER, "registration_id" INTEGER, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE, FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE SET NULL, FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE SET NULL, FOREIGN KEY ("registration_id") REFERENCES "registration" ("id") ON DELETE SET NULL)',
    'CREATE INDEX "level_change_customer_id" ON "level_change" ("customer_id")',
    'CREATE INDEX "level_change_at" ON "level_change" ("at")',
    'CREATE INDEX "level_change_staff_id" ON "level_change" ("staff_id")',
    'CREATE INDEX "level_change_contact_id" ON "level_change" ("contact_id")',
    'CREATE INDEX "level_change_registration_id" ON "level_change" ("registration_id")',
    'CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL)',
]


def up(migrator, db):
    dialect.run(db, STATEMENTS)
