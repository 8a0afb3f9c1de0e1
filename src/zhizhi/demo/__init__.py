"""The demo city: Changsha (长沙市), Hunan, with real divisions, departments, staff and cases."""
