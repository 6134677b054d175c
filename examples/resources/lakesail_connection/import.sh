# Import by connection id (the role has its default name lakesail-<id>-LakeSailRole) ...
terraform import lakesail_connection.main AB12CD34EF
# ... or by connection id and role name.
terraform import lakesail_connection.main AB12CD34EF:my-lakesail-role
