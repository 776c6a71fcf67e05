-- The os and io libraries on the system: files in a writable directory
-- (argument 1), os.time and os.date as pure computations, os.getenv.
local dir = arg[1] or "."

local path = dir .. "/lua_io.txt"
local f = assert(io.open(path, "w"))
for i = 1, 50 do f:write(string.format("line %02d %s\n", i, ("x"):rep(i % 7))) end
f:write("last line without newline")
f:close()

f = assert(io.open(path, "r"))
local n, bytes = 0, 0
for l in f:lines() do n = n + 1; bytes = bytes + #l end
f:close()
print("lines " .. n .. " bytes " .. bytes)

f = assert(io.open(path, "a+"))
f:write("\nappended")
f:seek("set", 0)
print("first " .. f:read("l"))
print("size " .. f:seek("end"))
f:seek("set", 5)
print("read2 " .. f:read(2))
f:close()

f = assert(io.open(path))
print("number " .. tostring(f:read("n")) .. " then " .. f:read("l"))
f:close()

print("rename " .. tostring(os.rename(path, dir .. "/lua_io2.txt")))
print("open old " .. tostring(io.open(path) == nil))
print("remove " .. tostring(os.remove(dir .. "/lua_io2.txt")))
local ok, msg = io.open(dir .. "/no_such_file")
print("missing " .. tostring(ok) .. " " .. msg:gsub("^.*/", ""))

print("time type " .. math.type(os.time()))
print("time 2000 " .. os.time({year = 2000, month = 1, day = 1, hour = 12}) - os.time({year = 1999, month = 12, day = 31, hour = 12}))
print("date " .. os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365 + 3661))
local d = os.date("!*t", 1000000000)
print("date table " .. d.year .. " " .. d.month .. " " .. d.day .. " " .. d.hour .. " " .. d.wday .. " " .. d.yday)
print("difftime " .. os.difftime(100, 40))
print("getenv " .. tostring(os.getenv("LUA_TEST_VALUE")))
print("tostring " .. tostring(nil) .. " " .. tostring(true) .. " " .. string.format("%.3f", 1 / 3))
