# Ruby single-quoted string: only \ and ' need escaping.
rb_quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
}

write_morpheus_rb() {
  log "writing /etc/morpheus/morpheus.rb (external MySQL, RabbitMQ and OpenSearch)"
  install -d -m 0755 /etc/morpheus
  local tmp
  tmp=$(mktemp /etc/morpheus/.morpheus.rb.XXXXXX)
  chmod 0600 "$tmp"
  cat > "$tmp" <<EOF
# Written by morpheus-ws at boot from SSM and Secrets Manager; rewritten on every bootstrap run.
appliance_url $(rb_quote "$MORPHEUS_URL")

mysql['enable'] = false
mysql['host'] = $(rb_quote "$DB_HOST")
mysql['port'] = $DB_PORT
mysql['morpheus_db'] = $(rb_quote "$DB_NAME")
mysql['morpheus_db_user'] = $(rb_quote "$DB_APP_USER")
mysql['morpheus_password'] = $(rb_quote "$DB_APP_PASSWORD")

rabbitmq['enable'] = false
rabbitmq['host'] = $(rb_quote "$MQ_HOST")
rabbitmq['port'] = '5671'
rabbitmq['use_tls'] = true
rabbitmq['vhost'] = $(rb_quote "$MQ_VHOST")
rabbitmq['queue_user'] = $(rb_quote "$MQ_APP_USER")
rabbitmq['queue_user_password'] = $(rb_quote "$MQ_APP_PASSWORD")

elasticsearch['enable'] = false
elasticsearch['cluster'] = $(rb_quote "$SEARCH_DOMAIN")
elasticsearch['es_hosts'] = { $(rb_quote "$SEARCH_ENDPOINT") => 443 }
elasticsearch['use_tls'] = true
elasticsearch['auth_user'] = $(rb_quote "$SEARCH_USER")
elasticsearch['auth_password'] = $(rb_quote "$SEARCH_PASSWORD")
EOF
  mv -f "$tmp" /etc/morpheus/morpheus.rb
}
