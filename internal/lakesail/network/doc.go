// Package network is the network's lifecycle over the library's core, acting through the
// connection role's session: VPC, subnets, gateways, routes and security group (or a customer's
// own VPC, adopted and tagged), the KMS key and the workspace bucket that destroy never loses.
package network
