// Package ec2 is the emulator's EC2: VPCs, subnets, gateways, routes, security groups,
// endpoints, launch templates and instances. Its Impl (ec2Peer) answers what EKS asks.
package ec2
