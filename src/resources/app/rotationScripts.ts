/**
 * Shell scripts that app nodes run through SSM Run Command during a credential rotation. Like the boot script,
 * they carry no secret: each node reads the values from Secrets Manager with its own role (the rotation's new
 * value from the AWSPENDING stage). They reuse the boot script's functions, so morpheus.rb is written exactly as
 * at boot. String.raw and no shell `${`: what is below is what the node runs. No `set -x`: it would print values.
 */
import { ssmPrefix } from '../../stack/addresses.js';
import { morpheusRbFunction } from '../../stack/userData/morpheusRb.js';
import { shellQuote } from '../../stack/userData/shell.js';
import { COMMON_FUNCTIONS, STEP_FUNCTIONS } from '../../stack/userData/steps.js';

export type NodeTask =
  /** Give the RabbitMQ app user the AWSPENDING password (management API, signed in as the broker admin). */
  | 'mq-app-user'
  /** Give the RabbitMQ admin the AWSPENDING password (signed in as itself), then prove the new one works. */
  | 'mq-admin-user'
  /** Give the MySQL app user the AWSPENDING password, keeping the old one valid too (MySQL dual passwords). */
  | 'db-user'
  /** Once every node uses the new DB password: drop the retained old one. */
  | 'db-user-discard-old'
  /** Rewrite morpheus.rb from the current secrets, reconfigure, restart the UI, wait until /ping answers. */
  | 'refresh-node';

const ROTATION_FUNCTIONS = String.raw`# read_pending SECRET_ARN VAR_PREFIX: <VAR_PREFIX>_USER and <VAR_PREFIX>_PASSWORD from the rotation in progress.
read_pending() {
  local json
  json=$(retry aws secretsmanager get-secret-value --secret-id "$1" --version-stage AWSPENDING --query SecretString --output text) \
    || fail "cannot read the pending version of $1"
  printf -v "$2_USER" '%s' "$(jq -r '.username' <<<"$json")"
  printf -v "$2_PASSWORD" '%s' "$(jq -r '.password' <<<"$json")"
}

# mysql_cnf FILE USER PASSWORD: a client option file, so no password is ever on a command line.
mysql_cnf() {
  local ca=/etc/morpheus-ws/rds-ca-bundle.pem
  install -d -m 0755 /etc/morpheus-ws
  [ -s "$ca" ] || retry curl -fsSL -o "$ca" https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
  cat > "$1" <<CNF
[client]
host=$DB_HOST
port=$DB_PORT
user=$2
password="$(printf '%s' "$3" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
ssl-ca=$ca
ssl-verify-server-cert
CNF
}

load_db_master() {
  DB_HOST=$(retry param db/endpoint)
  DB_PORT=$(retry param db/port)
  read_credentials "$(retry param db/masterSecretArn)" DB_MASTER
  mysql_cnf "$RUN_DIR/mysql-master.cnf" "$DB_MASTER_USER" "$DB_MASTER_PASSWORD"
}

rotate_db_user() {
  load_db_master
  read_pending "$(retry param db/userSecretArn)" DB_NEW
  log "setting the new password of MySQL user $DB_NEW_USER (the old one stays valid until every node has switched)"
  printf 'ALTER USER %s@%s IDENTIFIED BY %s RETAIN CURRENT PASSWORD;\n' \
    "$(sql_string "$DB_NEW_USER")" "'%'" "$(sql_string "$DB_NEW_PASSWORD")" > "$RUN_DIR/rotate.sql"
  retry run_sql "$RUN_DIR/mysql-master.cnf" "$RUN_DIR/rotate.sql"
  mysql_cnf "$RUN_DIR/mysql-new.cnf" "$DB_NEW_USER" "$DB_NEW_PASSWORD"
  echo 'SELECT 1;' > "$RUN_DIR/check.sql"
  run_sql "$RUN_DIR/mysql-new.cnf" "$RUN_DIR/check.sql" >/dev/null || fail "MySQL refuses the new password of $DB_NEW_USER"
  log "MySQL user $DB_NEW_USER accepts the new password"
}

discard_old_db_password() {
  load_db_master
  read_credentials "$(retry param db/userSecretArn)" DB_APP
  log "discarding the old password of MySQL user $DB_APP_USER"
  printf 'ALTER USER %s@%s DISCARD OLD PASSWORD;\n' "$(sql_string "$DB_APP_USER")" "'%'" > "$RUN_DIR/discard.sql"
  retry run_sql "$RUN_DIR/mysql-master.cnf" "$RUN_DIR/discard.sql"
}

# set_rabbit_password TAGS: PUT /api/users/$TARGET_USER with $TARGET_PASSWORD, signed in as $AUTH_USER. The
# password reaches curl on its standard input, never on a command line.
set_rabbit_password() {
  local user_path
  printf 'user = "%s:%s"\n' "$(curl_escape "$AUTH_USER")" "$(curl_escape "$AUTH_PASSWORD")" > "$RUN_DIR/mq-admin.curl"
  user_path=$(jq -rn --arg v "$TARGET_USER" '$v | @uri')
  log "setting the new password of RabbitMQ user $TARGET_USER"
  expect_success "$(TARGET_PASSWORD=$TARGET_PASSWORD TAGS=$1 jq -n '{password: env.TARGET_PASSWORD, tags: env.TAGS}' \
    | rabbit_api PUT "/users/$user_path" --data-binary @-)" "setting the password of $TARGET_USER"
}

rotate_mq_app_user() {
  MQ_CONSOLE_URL=$(retry param mq/consoleUrl)
  read_credentials "$(retry param mq/adminSecretArn)" AUTH
  read_pending "$(retry param mq/appSecretArn)" TARGET
  set_rabbit_password ""
}

rotate_mq_admin_user() {
  MQ_CONSOLE_URL=$(retry param mq/consoleUrl)
  read_credentials "$(retry param mq/adminSecretArn)" AUTH
  read_pending "$(retry param mq/adminSecretArn)" TARGET
  [ "$TARGET_USER" = "$AUTH_USER" ] || fail "the pending admin secret names another user"
  set_rabbit_password administrator
  # From here on only the new password works: prove it before the secret is promoted.
  printf 'user = "%s:%s"\n' "$(curl_escape "$TARGET_USER")" "$(curl_escape "$TARGET_PASSWORD")" > "$RUN_DIR/mq-admin.curl"
  expect_success "$(rabbit_api GET /whoami)" "signing in to the broker with the new admin password"
  log "the broker accepts the new admin password"
}

refresh_node() {
  [ -f /etc/morpheus/morpheus.rb ] || fail "this node has not finished its bootstrap (no /etc/morpheus/morpheus.rb)"
  # Keep the URL the boot script wrote (rb_quote leaves a URL as is).
  MORPHEUS_URL=$(sed -n "s/^appliance_url '\(.*\)'$/\1/p" /etc/morpheus/morpheus.rb)
  [ -n "$MORPHEUS_URL" ] || MORPHEUS_URL="https://$(hostname -f)"
  load_settings
  write_morpheus_rb
  log "running morpheus-ctl reconfigure with the current credentials"
  morpheus-ctl reconfigure
  # The UI reads its settings when it starts.
  morpheus-ctl restart morpheus-ui
  wait_until_healthy
}

# SSM runs the nodes one at a time and stops at a failure: the next node is touched only once this one serves.
wait_until_healthy() {
  local deadline status=000
  deadline=$(( $(date +%s) + 1800 ))
  until status=$(curl -ks -o /dev/null -w '%{http_code}' https://127.0.0.1/ping) && [ "$status" = 200 ]; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "Morpheus did not answer /ping within 30 minutes (last status $status)"
    sleep 15
  done
  log "Morpheus answers /ping again"
}
`;

const TASK_MAIN: Record<NodeTask, string> = {
  'mq-app-user': 'rotate_mq_app_user',
  'mq-admin-user': 'rotate_mq_admin_user',
  'db-user': 'rotate_db_user',
  'db-user-discard-old': 'discard_old_db_password',
  'refresh-node': 'refresh_node',
};

export interface NodeScriptParams {
  workspace: string;
  region: string;
}

/** The whole script for one task: settings, the boot script's functions, the rotation functions, the entry call. */
export function nodeTaskScript(task: NodeTask, p: NodeScriptParams): string {
  return [
    '#!/bin/bash',
    `# morpheus-ws credential rotation (${task}) for workspace ${p.workspace}. It holds no secret: values are read on the node.`,
    'set -Eeuo pipefail',
    'umask 077',
    `readonly WORKSPACE=${shellQuote(p.workspace)}`,
    `readonly AWS_REGION=${shellQuote(p.region)}`,
    `readonly SSM_PREFIX=${shellQuote(ssmPrefix(p.workspace))}`,
    "readonly STATE_DIR='/var/lib/morpheus-ws'",
    'export AWS_REGION AWS_DEFAULT_REGION="$AWS_REGION"',
    'RUN_DIR=$(mktemp -d /run/morpheus-ws.XXXXXX)',
    "trap 'rm -rf \"$RUN_DIR\"' EXIT",
    '',
    COMMON_FUNCTIONS,
    STEP_FUNCTIONS,
    morpheusRbFunction(),
    ROTATION_FUNCTIONS,
    TASK_MAIN[task],
    '',
  ].join('\n');
}
