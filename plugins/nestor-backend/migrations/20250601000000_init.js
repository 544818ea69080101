/*
 * Nestor's tables on Backstage's database (SQLite or PostgreSQL).
 */

/**
 * A text column that sorts bytewise on every database, so keyset pagination
 * pages in the same order on SQLite (binary collation) and PostgreSQL
 * (whatever the database locale is).
 *
 * @param {import('knex').Knex} knex
 * @param {number} length
 */
function orderedString(knex, length) {
  return knex.client.dialect === 'postgresql'
    ? `varchar(${length}) COLLATE "C"`
    : `varchar(${length})`;
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('catalog_item_versions', table => {
    table.comment(
      'History of every buffet item (kept after removal); holds the definitions',
    );
    table.bigIncrements('id');
    table.string('name', 63).notNullable();
    table.string('version', 255).notNullable();
    table.string('change', 16).notNullable();
    table.text('changed_fields').notNullable().comment('JSON array');
    table.text('definition').notNullable().comment('JSON');
    table.text('source').notNullable().comment('JSON');
    table.string('synced_at', 32).notNullable();
    table.index(['name', 'version', 'id'], 'catalog_item_versions_name_idx');
  });

  // Kept narrow (the definition stays in its version row) so that filters and
  // counts scan little data.
  await knex.schema.createTable('catalog_items', table => {
    table.comment('The buffet: current resource definitions, one row per item');
    table.specificType('name', orderedString(knex, 63)).primary().notNullable();
    table.string('owner', 63).notNullable();
    table.string('type', 253).notNullable();
    table.string('engine', 63).notNullable();
    table.string('version', 255).notNullable();
    table.boolean('visibility_public').notNullable();
    table
      .text('visibility_teams')
      .notNullable()
      .comment('",team-a,team-b," or ""');
    table.text('tags').notNullable().comment('",tag-a,tag-b,"');
    table
      .text('search_text')
      .notNullable()
      .comment('lower-cased name, title, description and tags');
    table
      .bigInteger('version_id')
      .notNullable()
      .comment('catalog_item_versions row holding the definition');
    table.string('definition_hash', 64).notNullable();
    table.string('source_id', 255).notNullable();
    table.text('source_url').notNullable();
    table.string('source_path', 1024).notNullable();
    table.string('source_commit', 255).notNullable();
    table.integer('source_line').nullable();
    table.string('created_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.index(['owner', 'name'], 'catalog_items_owner_idx');
    table.index(['type', 'name'], 'catalog_items_type_idx');
    table.index(['source_id', 'source_path'], 'catalog_items_source_idx');
  });

  await knex.schema.createTable('source_statuses', table => {
    table.string('id', 255).primary().notNullable();
    table.text('status').notNullable().comment('JSON');
  });

  await knex.schema.createTable('teams', table => {
    table.string('id', 63).primary().notNullable();
    table.text('config').notNullable().comment('JSON');
    table.text('source').notNullable().comment('JSON');
    table.string('updated_at', 32).notNullable();
  });

  await knex.schema.createTable('quota_usage', table => {
    table.comment(
      'Quota counters per team, environment and scope (* or a resource type)',
    );
    table.string('team', 63).notNullable();
    table.string('environment', 63).notNullable();
    table.string('scope', 253).notNullable();
    table.integer('deployments').notNullable().defaultTo(0);
    table.double('monthly_cost').notNullable().defaultTo(0);
    table.primary(['team', 'environment', 'scope']);
  });

  await knex.schema.createTable('policy_sets', table => {
    table.string('source_id', 255).primary().notNullable();
    table.text('policies').notNullable().comment('JSON');
    table.string('commit', 255).notNullable();
  });

  await knex.schema.createTable('deployments', table => {
    table
      .bigIncrements('seq')
      .comment('creation order, the list and work queue cursor');
    table.string('id', 255).notNullable().unique();
    table.string('ref', 255).notNullable();
    table
      .string('active_ref', 255)
      .nullable()
      .unique()
      .comment('ref while the deployment holds it, else null');
    table.string('team', 63).notNullable();
    table.string('environment', 63).notNullable();
    table.string('resource_name', 63).notNullable();
    table.string('phase', 32).notNullable();
    table.integer('version').notNullable();
    table.string('idempotency_key', 255).nullable().unique();
    table.string('request_hash', 255).nullable();
    table.string('lease_owner', 255).nullable();
    table
      .bigInteger('lease_expires_at')
      .nullable()
      .comment('epoch milliseconds');
    table.text('resource').notNullable().comment('JSON, for graph records');
    table
      .text('depends_on')
      .notNullable()
      .comment('JSON array, for graph records');
    table
      .text('data')
      .notNullable()
      .comment('JSON of the deployment without version');
    table.index(['ref', 'seq'], 'deployments_ref_idx');
    table.index(['team', 'seq'], 'deployments_team_idx');
    table.index(['phase', 'seq'], 'deployments_phase_idx');
  });

  await knex.schema.createTable('events', table => {
    table.comment('The append-only event log, the replay source for SSE');
    table.bigInteger('id').primary().notNullable();
    table.string('type', 64).notNullable();
    table.string('team', 63).nullable();
    table.string('ref', 255).nullable();
    table.text('visible_to').nullable().comment('",team-a,team-b," or null');
    table.string('time', 32).notNullable();
    table.bigInteger('time_ms').notNullable();
    table.text('payload').notNullable().comment('JSON');
    table.index(['time_ms'], 'events_time_idx');
  });

  await knex.schema.createTable('counters', table => {
    table.comment(
      'events: the last event id handed out (its row lock orders concurrent appends); ' +
        'catalog: bumped by every catalog write (keys cached counts)',
    );
    table.string('name', 32).primary().notNullable();
    table.bigInteger('value').notNullable();
  });
  await knex('counters').insert([
    { name: 'events', value: 0 },
    { name: 'catalog', value: 0 },
  ]);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'counters',
    'events',
    'deployments',
    'policy_sets',
    'quota_usage',
    'teams',
    'source_statuses',
    'catalog_items',
    'catalog_item_versions',
  ]) {
    await knex.schema.dropTable(table);
  }
};
