package dev.runbook.schema;

/** Valid documents of the runbook language (docs/language.md) that exercise the whole schema. */
final class SampleDocuments {

    private SampleDocuments() {
    }

    static final String MINIMAL = """
            runbook: hello
            version: 1
            steps:
              - id: hello
                run: echo hello
            """;

    /** Every top-level key, every param type, every target kind, every fact kind and every step kind. */
    static final String EVERYTHING = """
            # yaml-language-server: $schema=../schemas/runbook.schema.json
            runbook: shop.deploy-v2
            description: Deploy the shop with a database migration and a canary watch
            version: 1
            env: [HOME, SLACK_WEBHOOK]
            params:
              release:     { type: string, required: true, description: the git ref to deploy }
              db_url:      { type: string, secret: true, env: DATABASE_URL }
              redis_url:   { type: string, default: "redis://localhost:6379/0" }
              base_url:    { type: string, default: "https://shop.example.com" }
              app_host:    { type: string, default: app1.example.com }
              app_dir:     { type: string, default: /srv/app }
              compose:     { type: command, default: "docker compose" }
              page_budget: { type: duration, default: 5s }
              watch:       { type: duration, default: 10m }
              workers:     { type: integer, default: 4 }
              ratio:       { type: number, default: 0.25 }
              dry_cache:   { type: boolean, default: false }
              hosts:       { type: list, default: [web1, web2] }
              labels:      { type: map, default: { team: shop, tier: 1 } }
              tier:        { type: string, default: standard, allowed: [standard, premium] }
            targets:
              app:    { ssh: "deploy@${params.app_host}", description: the application host }
              web:    { ssh: [ "deploy@web1", "deploy@web2:2222" ], serial: 1, max_fail: "0%", forks: 2 }
              canary: { ssh: [ "deploy@web3" ], serial: "50%", max_fail: 0 }
              engine: { docker: "unix:///var/run/docker.sock" }
              here:   { local: true }
            facts:
              health:  { http: { url: "${params.base_url}/system_health", timeout: 10s } }
              login:   { http: { url: "${params.base_url}/login", method: POST, headers: { Accept: application/json }, body: '{"user": "probe"}', insecure: true } }
              home:    { http: { url: "${params.base_url}/", method: get, body: "ping" }, description: the home page }
              pending: { on: app, shell: "cd ${params.app_dir} && ${params.compose} run --rm web bin/rails db:migrate:status", parse: lines }
              schema:  { sql: { url: "${params.db_url}", query: "select max(version) from schema_migrations", returns: cell }, secret: true }
              tables:  { sql: { url: "${params.db_url}", query: "select * from pg_stat_user_tables", returns: rows }, timeout: 30s }
              dead:    { redis: { url: "${params.redis_url}", command: [ZCARD, dead] } }
              cable:   { websocket: { url: "ws://${params.app_host}/cable", subscribe: { channel: HealthChannel }, expect: welcome, timeout: 5s } }
              errors:  { on: app, logs: { file: /srv/app/log/production.log, pattern: "ERROR|FATAL", since: 15m } }
              oom:     { on: app, logs: { command: "journalctl -u app --no-pager", pattern: "Out of memory" } }
              crashes: { on: engine, logs: { container: shop-web, pattern: panic, since: "${params.watch}" } }
              release: { file: { path: /srv/app/REVISION }, parse: text }
              config:  { on: app, file: { path: "${params.app_dir}/config.json" }, parse: json }
            preconditions:
              - that: "facts.health.status == 200"
                message: production must be healthy before we touch it
              - name: nothing pending
                that: "len(facts.pending) == 0"
            rollback_on:
              - name: performance degradation
                when: "facts.home.elapsed > params.page_budget"
                armed_after: restart
              - name: error burst
                when: "len(facts.errors) > 10"
                message: too many errors in the log
            steps:
              - id: confirm
                approve: "Deploy ${params.release} to production?"
                message: the deploy takes the shop down for a minute
              - id: fetch
                name: fetch the release
                description: check out the release on every web host
                on: web
                run: "git -C ${params.app_dir} fetch && git -C ${params.app_dir} checkout ${params.release}"
                timeout: 2m
                retries: 2
                delay: 10s
                outputs:
                  revision: "${steps.fetch.stdout}"
                rollback:
                  - run: "git -C ${params.app_dir} checkout -"
                    on: web
                    when: "previous.ok"
              - id: schema_ok
                assert: "facts.schema >= 20240101000000"
                message: the schema is older than expected
              - id: db
                include: lib/rails.yml
                with: { app_dir: "${params.app_dir}", workers: 4, hosts: [web1, web2] }
              - id: restart
                irreversible: true
                group:
                  - id: stop
                    on: app
                    run: "${params.compose} stop web"
                  - id: start
                    on: app
                    run: "${params.compose} up -d web"
                    continue_on_error: false
                rollback:
                  - id: restart_previous
                    on: app
                    run: "${params.compose} up -d --force-recreate web"
              - id: settle
                wait: { until: "facts.health.status == 200", every: 5s, within: 3m }
              - id: smoke
                http: "${params.base_url}/up"
              - id: smoke_all
                http: [ "http://web1/up", "http://web2/up" ]
              - id: smoke_login
                http:
                  url: "${params.base_url}/login"
                  method: POST
                  headers: { Content-Type: application/json }
                  body: '{"user": "probe"}'
                  timeout: 10s
                  insecure: false
                  expect: { status: 200, contains: welcome }
              - id: smoke_redirect
                http: { url: "${params.base_url}/old", expect: { status: [301, 302] } }
              - id: canary
                monitor:
                  for: "${params.watch}"
                  every: 30s
                  failure_limit: 2
                  checks:
                    - that: "facts.health.status == 200"
                    - name: no dead jobs
                      that: "facts.dead == 0"
                      message: jobs are dying
              - id: watch_short
                monitor: { for: 1h30m }
              - id: announce
                when: "!run.dry"
                continue_on_error: true
                notify: { webhook: "${env.SLACK_WEBHOOK}", message: "deployed ${params.release}" }
              - id: announce_report
                notify: { webhook: "https://hooks.example.com/T000", template: templates/deployed.md.tmpl }
            success:
              - name: all services healthy
                that: "facts.health.json.status == 'ok'"
              - that: "facts.release == params.release"
            """;

    /** The examples of docs/language.md, put together into one runbook. */
    static final String REFERENCE_EXAMPLES = """
            runbook: rails-app
            version: 1
            params:
              release:     { type: string, required: true, description: the git ref to deploy }
              db_url:      { type: string, secret: true, env: DATABASE_URL }
              compose:     { type: command, default: "docker compose" }
              page_budget: { type: duration, default: 5s }
              tier:        { type: string, default: standard, allowed: [standard, premium] }
              app_host:    { type: string }
              base_url:    { type: string }
              app_dir:     { type: string }
              redis_url:   { type: string }
            targets:
              app:    { ssh: "deploy@${params.app_host}" }
              web:    { ssh: [ "deploy@web1", "deploy@web2" ], serial: 1, max_fail: "0%" }
              engine: { docker: "unix:///var/run/docker.sock" }
            facts:
              health:  { http: { url: "${params.base_url}/system_health", timeout: 10s } }
              home:    { http: { url: "${params.base_url}/" } }
              pending: { on: app, shell: "cd ${params.app_dir} && ${params.compose} run --rm web bin/rails db:migrate:status", parse: lines }
              schema:  { sql: { url: "${params.db_url}", query: "select max(version) from schema_migrations" } }
              dead:    { redis: { url: "${params.redis_url}", command: [ZCARD, dead] } }
              cable:   { websocket: { url: "ws://${params.app_host}/cable", expect: welcome } }
              errors:  { on: app, logs: { file: /srv/app/log/production.log, pattern: "ERROR|FATAL" } }
              release: { file: { path: /srv/app/REVISION }, parse: text }
            preconditions:
              - that: "facts.health.status == 200"
                message: production must be healthy before we touch it
            rollback_on:
              - name: performance degradation
                when: "facts.home.elapsed > params.page_budget"
                armed_after: restart
            steps:
              - id: db
                include: lib/rails.yml
                with: { app_dir: "${params.app_dir}" }
              - id: restart
                on: app
                run: "${params.compose} restart web"
            success:
              - name: all services healthy
                that: "facts.health.json.status == 'ok'"
            """;

    static final String FRAGMENT = """
            # lib/rails.yml
            fragment: rails-migrate
            description: Run the Rails migrations of one app
            params:
              app_dir: { type: string, required: true }
            steps:
              - id: migrate
                run: "cd ${params.app_dir} && bin/rails db:migrate"
                rollback:
                  - run: "cd ${params.app_dir} && bin/rails db:rollback"
            """;
}
