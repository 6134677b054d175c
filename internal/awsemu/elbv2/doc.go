// Package elbv2 is the emulator's Elastic Load Balancing (API version 2015-12-01, awsquery,
// signing name elasticloadbalancing) for Network Load Balancers: load balancers in a VPC's
// subnets with their attributes and security groups, target groups and their targets' health,
// TCP and TLS listeners forwarding to a target group (TLS with an ACM certificate and a
// security policy), and tags. Application and Gateway Load Balancers are refused as not
// emulated.
//
// It asks EC2 about subnets, security groups, VPCs and instances (elbEC2) and ACM about
// certificates (elbACM), through the small interfaces in elbv2_peers.go. Every operation is
// authorized as the Service Authorization Reference has it: the resource it acts on with its
// aws:ResourceTag keys, and elasticloadbalancing:AddTags with elasticloadbalancing:CreateAction
// when a create carries tags.
package elbv2
