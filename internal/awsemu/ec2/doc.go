// Package ec2 is the emulator's EC2: VPCs, subnets, gateways, routes, security groups,
// endpoints, launch templates, instances with their root volumes and network interfaces
// (secondary private addresses included). Its Impl (ec2Peer) answers what EKS asks, launching
// node groups' instances among it.
package ec2
