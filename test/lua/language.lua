-- Strings, tables, closures, metatables, coroutines, integer and float
-- arithmetic, string.format, errors with tracebacks.

local function show(...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[#parts + 1] = tostring((select(i, ...)))
  end
  io.write(table.concat(parts, " "), "\n")
end

-- strings
local s = "Hello, Arbor!"
show("upper", s:upper(), "len", #s, "sub", s:sub(8, 12))
show("find", s:find("Arbor"), "rep", ("ab"):rep(3, "-"))
show("gsub", (s:gsub("%w+", function(w) return w:reverse() end)))
for k, v in string.gmatch("a=1, b=22, c=333", "(%w+)=(%w+)") do
  show("pair", k, v)
end
show("byte", s:byte(1, 3), "char", string.char(76, 117, 97))

-- string.format
show(string.format("%5.2f|%-5d|%05x|%q|%s", math.pi, 42, 255, "a\nb", nil))
show(string.format("%g %g %g %.14g", 1e100, 0.1, -0.0, 2 ^ 0.5))
show(string.format("%d %s %i", math.maxinteger, math.mininteger, 7 // 2))

-- numbers
show("int", 7 // 2, 7 % 3, -7 // 2, -7 % 3, 2 ^ 10, 10 / 4)
show("float", math.floor(3.7), math.ceil(-3.7), math.sqrt(2), math.huge, -math.huge)
show("conv", math.tointeger(3.0), tostring(1e15), tostring(2 ^ 63), 0x10, 1 == 1.0)
show("math", math.max(3, 9, 1), math.min(2.5, -1), math.abs(-4), math.fmod(7, 3))
show("sin", string.format("%.10f %.10f", math.sin(1), math.exp(1)))

-- tables
local t = {}
for i = 1, 10 do t[i] = i * i end
table.insert(t, 1, 0)
table.remove(t)
show("table", #t, table.concat(t, ","))
table.sort(t, function(a, b) return a > b end)
show("sorted", table.concat(t, ","))
show("unpack", table.unpack({1, 2, 3}))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do
  words[w] = (words[w] or 0) + 1
end
local keys = {}
for k in pairs(words) do keys[#keys + 1] = k end
table.sort(keys)
for i, k in ipairs(keys) do keys[i] = k .. "=" .. words[k] end
show("words", table.concat(keys, " "))

-- closures
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
show("closures", c1(), c2())

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
local v = setmetatable({x = 1, y = 2}, V) + setmetatable({x = 10, y = 20}, V)
show("meta", tostring(v), getmetatable(v) == V)

-- coroutines
local gen = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i * 10) end
  return "done"
end)
show("coroutine", gen(), gen(), gen(), gen())
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  error("inside " .. c)
end)
show("resume", coroutine.resume(co, 1, 2))
show("resume", coroutine.resume(co, "x"))
show("status", coroutine.status(co))

-- errors and tracebacks
local function fail(x) error({code = x}) end
local ok, e = pcall(fail, 7)
show("pcall", ok, type(e), e.code)
local function lvl3() local y = nil; return y.field end
local function lvl2() return lvl3() end
ok, e = xpcall(lvl2, debug.traceback)
io.write(e:gsub("\t", "  "), "\n")
show("error", select(2, pcall(error, "plain", 0)))
show("assert", pcall(assert, false, "assertion message"))
show("goto", (function() local i = 0 ::top:: i = i + 1 if i < 5 then goto top end return i end)())
