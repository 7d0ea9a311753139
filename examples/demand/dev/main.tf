# The template of the demand-policy example (README, "Demand policies"): one preset with a
# static pool of 2 prebuilds, claimed by examples/traces/diurnal.json.
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "standard"
}

data "coder_workspace_preset" "standard" {
  name       = "standard"
  parameters = { size = "standard" }
  prebuilds {
    instances = 2
  }
}
