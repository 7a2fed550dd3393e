module grafana-tenancy/e2e/grafana-decision

go 1.22

require github.com/jmespath-community/go-jmespath v1.1.1

require golang.org/x/exp v0.0.0-20230314191032-db074128a8ec // indirect
