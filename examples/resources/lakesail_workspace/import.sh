# Import by <connection_id>/<workspace_id> when the connection role has its default name
# (lakesail-<connection_id>-LakeSailRole) in the provider's account ...
terraform import lakesail_workspace.analytics AB12CD34EF/WS12AB34CD
# ... or add the connection role's ARN.
terraform import lakesail_workspace.analytics AB12CD34EF/WS12AB34CD/arn:aws:iam::111122223333:role/my-lakesail-role
