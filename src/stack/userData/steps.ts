/**
 * The body of the boot script: one shell function per step, each safe to run again (reboot, re-run by an
 * operator). String.raw and no shell `${`: what is below is what the node runs. Secrets live only in
 * shell variables, 0600 files under a private /run directory removed on exit, and /etc/morpheus/morpheus.rb (0600).
 * No `set -x`: it would print them.
 */

/** Backslash + backtick: a literal backtick inside an unquoted heredoc (MySQL identifier quotes). */
const QBT = '\\`';

export const COMMON_FUNCTIONS = String.raw`log() {
  printf '%s [morpheus-ws] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

fail() {
  log "ERROR: $*"
  exit 1
}

# retry CMD...: up to 10 attempts with a growing pause (services and DNS may still be settling).
retry() {
  local attempt=1
  until "$@"; do
    [ "$attempt" -ge 10 ] && { log "giving up after $attempt attempts: $1"; return 1; }
    log "attempt $attempt failed, retrying: $1"
    sleep $((attempt * 6))
    attempt=$((attempt + 1))
  done
}

param() {
  aws ssm get-parameter --name "$SSM_PREFIX$1" --with-decryption --query Parameter.Value --output text
}

secret_string() {
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}

# read_credentials SECRET_ARN VAR_PREFIX: sets <VAR_PREFIX>_USER and <VAR_PREFIX>_PASSWORD from {"username","password"}.
read_credentials() {
  local json
  json=$(retry secret_string "$1") || fail "cannot read secret $1"
  printf -v "$2_USER" '%s' "$(jq -r '.username' <<<"$json")"
  printf -v "$2_PASSWORD" '%s' "$(jq -r '.password' <<<"$json")"
}
`;

export const STEP_FUNCTIONS = String.raw`detect_os() {
  if command -v dnf >/dev/null 2>&1; then
    PKG_FORMAT=rpm
  elif command -v apt-get >/dev/null 2>&1; then
    PKG_FORMAT=deb
  else
    fail "unsupported OS: neither dnf nor apt-get is available"
  fi
  log "package format: $PKG_FORMAT"
}

install_prerequisites() {
  if [ -e "$STATE_DIR/prerequisites.done" ]; then
    log "prerequisites already installed"
    return
  fi
  log "installing prerequisites"
  if [ "$PKG_FORMAT" = rpm ]; then
    retry dnf install -y jq mariadb105 nfs-utils xfsprogs rsyslog amazon-cloudwatch-agent
    dnf install -y amazon-efs-utils || log "amazon-efs-utils is not available; shared storage will use plain NFS 4.1"
    command -v aws >/dev/null 2>&1 || retry dnf install -y awscli-2
    systemctl enable --now rsyslog
  else
    export DEBIAN_FRONTEND=noninteractive
    retry apt-get update -q
    retry apt-get install -y -q jq mariadb-client nfs-common xfsprogs rsyslog curl awscli
    retry curl -fsSL -o /var/tmp/amazon-cloudwatch-agent.deb \
      https://s3.amazonaws.com/amazoncloudwatch-agent/debian/amd64/latest/amazon-cloudwatch-agent.deb
    dpkg -i /var/tmp/amazon-cloudwatch-agent.deb
  fi
  touch "$STATE_DIR/prerequisites.done"
}

configure_cloudwatch_agent() {
  log "configuring the CloudWatch agent (log groups $LOG_GROUP_BOOTSTRAP, $LOG_GROUP_MORPHEUS, $LOG_GROUP_SYSTEM)"
  install -d -m 0755 /opt/aws/amazon-cloudwatch-agent/etc
  write_cloudwatch_agent_config /opt/aws/amazon-cloudwatch-agent/etc/morpheus-ws.json
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/opt/aws/amazon-cloudwatch-agent/etc/morpheus-ws.json
}

# The same ids on every node: files on the shared storage must belong to the same user everywhere. Created before
# the package install, which then keeps them.
ensure_morpheus_user() {
  if ! getent group morpheus-app >/dev/null; then
    getent group "$MORPHEUS_GID" >/dev/null && fail "gid $MORPHEUS_GID is taken by group $(getent group "$MORPHEUS_GID" | cut -d: -f1); choose data.efs.posixGid"
    groupadd --system --gid "$MORPHEUS_GID" morpheus-app
  fi
  if ! id morpheus-app >/dev/null 2>&1; then
    getent passwd "$MORPHEUS_UID" >/dev/null && fail "uid $MORPHEUS_UID is taken by user $(getent passwd "$MORPHEUS_UID" | cut -d: -f1); choose data.efs.posixUid"
    useradd --system --uid "$MORPHEUS_UID" --gid morpheus-app \
      --home-dir /var/opt/morpheus/morpheus-ui --no-create-home --shell /sbin/nologin morpheus-app
  fi
  [ "$(id -u morpheus-app)" = "$MORPHEUS_UID" ] || fail "morpheus-app has uid $(id -u morpheus-app), expected $MORPHEUS_UID"
  [ "$(getent group morpheus-app | cut -d: -f3)" = "$MORPHEUS_GID" ] || fail "group morpheus-app does not have gid $MORPHEUS_GID"
  log "morpheus-app has uid $MORPHEUS_UID and gid $MORPHEUS_GID"
}

# The second EBS volume holds /var/opt/morpheus; it is found by being the only blank disk besides the root disk.
mount_data_volume() {
  if ! blkid -L morpheus-data >/dev/null 2>&1; then
    local root_disk disk device=""
    root_disk=/dev/$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" | head -n1)
    for disk in $(lsblk -dpno NAME,TYPE | awk '$2 == "disk" { print $1 }'); do
      [ "$disk" = "$root_disk" ] && continue
      [ -n "$(lsblk -no FSTYPE "$disk" | tr -d '[:space:]')" ] && continue
      device=$disk
      break
    done
    [ -n "$device" ] || fail "no blank data volume found for /var/opt/morpheus"
    log "formatting data volume $device"
    mkfs.xfs -q -L morpheus-data "$device"
    udevadm settle || true
  fi
  install -d -m 0755 "$DATA_DIR"
  grep -q '^LABEL=morpheus-data ' /etc/fstab \
    || echo "LABEL=morpheus-data $DATA_DIR xfs defaults,nofail 0 2" >> /etc/fstab
  mountpoint -q "$DATA_DIR" || mount "$DATA_DIR"
  log "data volume mounted at $DATA_DIR"
}

load_settings() {
  log "reading settings from SSM under $SSM_PREFIX"
  DB_HOST=$(retry param db/endpoint)
  DB_PORT=$(retry param db/port)
  DB_NAME=$(retry param db/name)
  MQ_HOST=$(retry param mq/amqpsHost)
  MQ_CONSOLE_URL=$(retry param mq/consoleUrl)
  MQ_VHOST=$(retry param mq/vhost)
  SEARCH_ENDPOINT=$(retry param search/endpoint)
  SEARCH_DOMAIN=$(retry param search/domainName)
  EFS_ID=$(retry param efs/fileSystemId)
  EFS_DNS=$(retry param efs/dnsName)
  log "reading credentials from Secrets Manager"
  read_credentials "$(retry param db/masterSecretArn)" DB_MASTER
  read_credentials "$(retry param db/userSecretArn)" DB_APP
  read_credentials "$(retry param mq/adminSecretArn)" MQ_ADMIN
  read_credentials "$(retry param mq/appSecretArn)" MQ_APP
  read_credentials "$(retry param search/masterSecretArn)" SEARCH
  log "database $DB_HOST:$DB_PORT/$DB_NAME, broker $MQ_HOST (vhost $MQ_VHOST), search $SEARCH_ENDPOINT, file system $EFS_ID"
}

# Every node runs this; IF NOT EXISTS makes concurrent first boots safe.
bootstrap_database() {
  log "ensuring database $DB_NAME (utf8mb4) and user $DB_APP_USER"
  local ca=/etc/morpheus-ws/rds-ca-bundle.pem cnf="$RUN_DIR/mysql-master.cnf"
  install -d -m 0755 /etc/morpheus-ws
  [ -s "$ca" ] || retry curl -fsSL -o "$ca" https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
  cat > "$cnf" <<EOF
[client]
host=$DB_HOST
port=$DB_PORT
user=$DB_MASTER_USER
password="$(printf '%s' "$DB_MASTER_PASSWORD" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
ssl-ca=$ca
ssl-verify-server-cert
EOF
  local user password
  user=$(sql_string "$DB_APP_USER")
  password=$(sql_string "$DB_APP_PASSWORD")
  cat > "$RUN_DIR/bootstrap.sql" <<EOF
CREATE DATABASE IF NOT EXISTS ${QBT}$DB_NAME${QBT} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS $user@'%' IDENTIFIED BY $password;
ALTER USER $user@'%' IDENTIFIED BY $password;
GRANT ALL PRIVILEGES ON ${QBT}$DB_NAME${QBT}.* TO $user@'%';
GRANT SELECT, PROCESS, SHOW DATABASES ON *.* TO $user@'%';
EOF
  retry run_sql "$cnf" "$RUN_DIR/bootstrap.sql"
}

run_sql() {
  mysql --defaults-extra-file="$1" --connect-timeout=15 < "$2"
}

# A MySQL single-quoted string literal.
sql_string() {
  printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"
}

# rabbit_api METHOD PATH [curl args...]: prints the HTTP status of a management API call made as the broker admin.
rabbit_api() {
  local method=$1 path=$2
  shift 2
  curl -sS -o /dev/null -w '%{http_code}' --retry 5 --retry-connrefused -K "$RUN_DIR/mq-admin.curl" \
    -X "$method" -H 'content-type: application/json' "$@" "$MQ_CONSOLE_URL/api$path"
}

expect_success() {
  case "$1" in
    2??) ;;
    *) fail "$2 failed (HTTP $1)" ;;
  esac
}

bootstrap_rabbitmq() {
  log "ensuring RabbitMQ vhost $MQ_VHOST and user $MQ_APP_USER on $MQ_CONSOLE_URL"
  printf 'user = "%s:%s"\n' "$(curl_escape "$MQ_ADMIN_USER")" "$(curl_escape "$MQ_ADMIN_PASSWORD")" > "$RUN_DIR/mq-admin.curl"
  local status user_path vhost_path
  user_path=$(jq -rn --arg v "$MQ_APP_USER" '$v | @uri')
  vhost_path=$(jq -rn --arg v "$MQ_VHOST" '$v | @uri')
  status=$(rabbit_api GET "/vhosts/$vhost_path")
  if [ "$status" = 404 ]; then
    log "creating vhost $MQ_VHOST"
    expect_success "$(rabbit_api PUT "/vhosts/$vhost_path" --data-binary '{}')" "creating vhost $MQ_VHOST"
  else
    expect_success "$status" "reading vhost $MQ_VHOST"
  fi
  status=$(rabbit_api GET "/users/$user_path")
  if [ "$status" = 404 ]; then
    log "creating RabbitMQ user $MQ_APP_USER"
    expect_success "$(MQ_APP_PASSWORD=$MQ_APP_PASSWORD jq -n '{password: env.MQ_APP_PASSWORD, tags: ""}' \
      | rabbit_api PUT "/users/$user_path" --data-binary @-)" "creating user $MQ_APP_USER"
  else
    expect_success "$status" "reading user $MQ_APP_USER"
  fi
  expect_success "$(rabbit_api PUT "/permissions/$vhost_path/$user_path" \
    --data-binary '{"configure":".*","write":".*","read":".*"}')" "granting $MQ_APP_USER on vhost $MQ_VHOST"
}

# A value inside double quotes of a curl config file.
curl_escape() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

install_morpheus_package() {
  if morpheus_installed; then
    log "morpheus-appliance is already installed"
    return
  fi
  case "$PACKAGE_URL" in
    *."$PKG_FORMAT") ;;
    *) fail "app.packageUrl must be a .$PKG_FORMAT package on this OS: $PACKAGE_URL" ;;
  esac
  local file=/var/tmp/morpheus-appliance.$PKG_FORMAT
  log "downloading $PACKAGE_URL"
  retry curl -fsSL -o "$file" "$PACKAGE_URL"
  if [ -n "$PACKAGE_SHA256" ]; then
    echo "$PACKAGE_SHA256  $file" | sha256sum --check --status || fail "the package does not match app.packageSha256"
  fi
  log "installing the Morpheus package"
  if [ "$PKG_FORMAT" = rpm ]; then
    retry dnf install -y "$file"
  else
    retry apt-get install -y -q "$file"
  fi
}

morpheus_installed() {
  if [ "$PKG_FORMAT" = rpm ]; then
    rpm -q morpheus-appliance >/dev/null 2>&1
  else
    dpkg -s morpheus-appliance >/dev/null 2>&1
  fi
}

# Mounted after the package install and before the first reconfigure, on every boot from fstab.
mount_shared_storage() {
  local source fstype options
  if [ "$EFS_MOUNT_MODE" = efs-utils-tls ] && command -v mount.efs >/dev/null 2>&1; then
    source="$EFS_ID:/" fstype=efs options="_netdev,noresvport,tls,iam"
  else
    source="$EFS_DNS:/" fstype=nfs4
    options="nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev"
  fi
  install -d -m 0755 "$SHARED_DIR"
  grep -q " $SHARED_DIR " /etc/fstab || echo "$source $SHARED_DIR $fstype $options 0 0" >> /etc/fstab
  if ! mountpoint -q "$SHARED_DIR"; then
    log "mounting $source at $SHARED_DIR ($fstype)"
    retry mount "$SHARED_DIR"
  fi
}

reconfigure_morpheus() {
  log "running morpheus-ctl reconfigure (the first run takes 15-30 minutes)"
  morpheus-ctl reconfigure
  log "morpheus-ctl reconfigure finished"
}
`;

export const MAIN = String.raw`main() {
  log "bootstrap of a Morpheus app node for workspace $WORKSPACE"
  MORPHEUS_URL=$APPLIANCE_URL
  [ -n "$MORPHEUS_URL" ] || MORPHEUS_URL="https://$(hostname -f)"
  detect_os
  install_prerequisites
  configure_cloudwatch_agent
  ensure_morpheus_user
  mount_data_volume
  load_settings
  bootstrap_database
  bootstrap_rabbitmq
  install_morpheus_package
  mount_shared_storage
  write_morpheus_rb
  reconfigure_morpheus
  log "bootstrap complete: Morpheus answers on $MORPHEUS_URL once the load balancer sees /ping healthy"
}

main "$@"
`;
