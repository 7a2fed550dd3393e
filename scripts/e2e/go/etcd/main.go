// Command etcd is the etcd server of go.etcd.io/etcd/server/v3, as its own main would start it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
