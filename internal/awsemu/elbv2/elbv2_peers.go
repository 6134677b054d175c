package elbv2

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Elastic Load Balancing against the emulator's EC2 and ACM. ELB never reads or writes their
// state itself: it asks these small interfaces, which their services' Impls answer.

// elbEC2 is what ELB asks of EC2.
type elbEC2 interface {
	// Subnet is the VPC and Availability Zone of the caller's subnet id; ok is false when it
	// does not exist.
	Subnet(c *core.Req, id string) (vpc, zone string, ok bool)
	// SubnetCIDR is the IPv4 CIDR of the caller's subnet id.
	SubnetCIDR(c *core.Req, id string) (cidr string, ok bool)
	// SecurityGroupVPC is the VPC of the caller's security group id; ok is false when it does
	// not exist.
	SecurityGroupVPC(c *core.Req, id string) (vpc string, ok bool)
	// VPC is the IPv4 CIDR of the caller's VPC id and whether an internet gateway is attached.
	VPC(c *core.Req, id string) (cidr string, internetGateway, ok bool)
	// Instance is the VPC of the caller's instance id and whether it is running.
	Instance(c *core.Req, id string) (vpc string, running, ok bool)
}

// elbACM is what ELB asks of ACM for the certificates of TLS listeners.
type elbACM interface {
	// CertificateExists reports whether the caller's account holds the certificate arn in the
	// request's region.
	CertificateExists(c *core.Req, arn string) bool
}

// elbEC2Of is EC2 as ELB sees it.
func elbEC2Of(c *core.Req) elbEC2 {
	v, ok := core.Peer[elbEC2](c, "ec2")
	if !ok {
		panic("awsemu: Elastic Load Balancing needs the ec2 service")
	}
	return v
}

// elbACMOf is ACM as ELB sees it.
func elbACMOf(c *core.Req) elbACM {
	v, ok := core.Peer[elbACM](c, "acm")
	if !ok {
		panic("awsemu: Elastic Load Balancing needs the acm service")
	}
	return v
}
