-- wrk script: a mix of wegwijzer URLs, round robin over threads.
local paths = {}
local i = 0

init = function(args)
  for _, p in ipairs(args) do table.insert(paths, p) end
end

request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
