"""The pipeline that turns a data source into a Dataset: read → validate → join → derive → placement checks,
run by build.build_dataset."""
